package dev.lethe.torch.method;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;

import java.util.List;

/** Comparisons of two models' parameters entry by entry, for the tests of methods that change only some entries. */
final class ParameterEntries {

    private ParameterEntries() {
    }

    /** How many scalar parameter entries of {@code after} differ from {@code before}'s (the same architecture). */
    static int changed(ModelHandle before, ModelHandle after) {
        List<Pair<String, Parameter>> was = before.parameters();
        List<Pair<String, Parameter>> now = after.parameters();
        int changed = 0;
        for (int p = 0; p < was.size(); p++) {
            float[] v0 = was.get(p).getValue().getArray().toFloatArray();
            float[] v = now.get(p).getValue().getArray().toFloatArray();
            for (int j = 0; j < v.length; j++) {
                changed += v[j] != v0[j] ? 1 : 0;
            }
        }
        return changed;
    }
}
