package dev.lethe.torch.sisa;

import dev.lethe.torch.Spread;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.Digits;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StackedShardsTest {

    private static final RecordSet TEST = Digits.split().test();

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"mlp:32,16", "logreg"})
    void theStackedPassGivesEachShardsOwnOutputs(String spec) {
        // Given five shards with different weights
        List<ModelHandle> shards = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            shards.add(ModelHandle.create(ModelSpec.parse(spec, TEST.featureShape(), TEST.numClasses()), 100 + s));
        }
        try (StackedShards stacked = StackedShards.of(shards).orElseThrow();
             NDManager m = shards.get(0).manager().newSubManager()) {
            NDArray x = m.create(TEST.featuresView(), shards.get(0).spec().batchShape(TEST.size()));
            // When all test records pass through the stacked network
            float[] all = stacked.probabilities(x).toFloatArray();
            // Then shard s's slice is its own forward pass's softmax, to float rounding, with the same predicted class
            int k = TEST.numClasses();
            double largest = 0;
            for (int s = 0; s < shards.size(); s++) {
                float[] own = shards.get(s).forward(x, false).softmax(1).toFloatArray();
                for (int i = 0; i < TEST.size(); i++) {
                    int ownClass = argmax(own, i * k, k);
                    int stackedClass = argmax(all, (s * TEST.size() + i) * k, k);
                    assertThat(stackedClass).isEqualTo(ownClass);
                    for (int c = 0; c < k; c++) {
                        assertThat(all[(s * TEST.size() + i) * k + c]).isCloseTo(own[i * k + c], org.assertj.core.data.Offset.offset(1e-5f));
                        largest = Math.max(largest, Math.abs(all[(s * TEST.size() + i) * k + c] - own[i * k + c]));
                    }
                }
            }
            Spread.measure("stacked " + spec + " largest |difference|", largest);
        } finally {
            shards.forEach(ModelHandle::close);
        }
    }

    @org.junit.jupiter.api.Test
    void convolutionalShardsAreNotStacked() {
        List<ModelHandle> shards = List.of(ModelHandle.create(ModelSpec.parse("cnn:4,4,8", new int[]{1, 8, 8}, 10), 1));
        try {
            assertThat(StackedShards.of(shards)).isEmpty();
        } finally {
            shards.forEach(ModelHandle::close);
        }
    }

    private static int argmax(float[] values, int from, int length) {
        int best = 0;
        for (int c = 1; c < length; c++) {
            if (values[from + c] > values[from + best]) {
                best = c;
            }
        }
        return best;
    }
}
