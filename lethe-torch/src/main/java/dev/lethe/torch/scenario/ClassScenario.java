package dev.lethe.torch.scenario;

import dev.lethe.core.data.RecordSet;

import java.util.Map;

/**
 * {@code class}: forget one whole class — every training record with label {@code label}. The test
 * set stays whole: the retrained reference has never seen the class, so its accuracy on that class's
 * test records is 0 and the per-class accuracy shows how close a method comes.
 *
 * @param label the class index to forget
 */
public record ClassScenario(int label) implements Scenario {

    public static final String NAME = "class";

    public ClassScenario {
        if (label < 0) {
            throw new IllegalArgumentException("--forget-class must be a class index >= 0, got " + label);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("forgetClass", label);
    }

    @Override
    public ScenarioData build(RecordSet train, RecordSet test, long seed) {
        if (label >= train.numClasses()) {
            throw new IllegalArgumentException("--forget-class " + label + " is not a class of " + train.name() + " (classes 0.."
                    + (train.numClasses() - 1) + ")");
        }
        RecordSet forget = train.filter("forget", i -> train.label(i) == label);
        return ScenarioData.oneShot(NAME, train, forget, test, null,
                Map.of("forgetClass", train.classNames().get(label), "forgetRecords", forget.size()));
    }
}
