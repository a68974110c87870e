package dev.lethe.torch.scenario;

import dev.lethe.core.data.RecordSet;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code backdoor}: corrective unlearning of a BadNets backdoor (Gu et al. 2017; the protocol of Goel
 * et al. 2024, "Corrective Machine Unlearning").
 *
 * <ol>
 *   <li>Poison: each training record whose class is not {@code target} is poisoned when
 *       {@code u(seed, "poison", id) < poisonFraction}: the {@link Trigger} (a max-intensity square in the
 *       bottom-right corner) is stamped in and its label becomes {@code target}. The poisoned record keeps
 *       its id and replaces the clean one; the original model trains on this set.</li>
 *   <li>Identify: the owner finds a share of the poisoned records, each when
 *       {@code u(seed, "identified", id) < identifiedFraction}; they are the forget set (all of them at 1).
 *       Unidentified poisons stay in the retain set, as in Goel et al.</li>
 *   <li>Measure: {@code attackTest} is every test record whose true class is not {@code target}, with the
 *       trigger stamped in and its true label kept. The attack success rate is
 *       {@code ASR = |{x ∈ attackTest : f(x) = target}| / |attackTest|}; clean accuracy is on the clean test set.
 *       Target-class images are excluded, since classifying them as the target is no attack.</li>
 * </ol>
 *
 * @param target the class the trigger maps to
 * @param poisonFraction share of the non-target training records poisoned, in (0, 1]
 * @param identifiedFraction share of the poisoned records that are found and forgotten, in (0, 1]
 * @param triggerSize side of the square trigger in pixels
 */
public record BackdoorScenario(int target, double poisonFraction, double identifiedFraction, int triggerSize) implements Scenario {

    public static final String NAME = "backdoor";

    public BackdoorScenario {
        if (target < 0) {
            throw new IllegalArgumentException("--target-class must be a class index >= 0, got " + target);
        }
        HashDraw.share("--poison-fraction", poisonFraction);
        HashDraw.share("--identified-fraction", identifiedFraction);
        new Trigger(triggerSize, 1f);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("targetClass", target);
        p.put("poisonFraction", poisonFraction);
        p.put("identifiedFraction", identifiedFraction);
        p.put("triggerSize", triggerSize);
        return p;
    }

    @Override
    public ScenarioData build(RecordSet train, RecordSet test, long seed) {
        if (target >= train.numClasses()) {
            throw new IllegalArgumentException("--target-class " + target + " is not a class of " + train.name() + " (classes 0.."
                    + (train.numClasses() - 1) + ")");
        }
        Trigger trigger = new Trigger(triggerSize, Trigger.maxIntensity(train));
        int[] poisonedAt = IntStream.range(0, train.size())
                .filter(i -> train.label(i) != target && HashDraw.of(seed, "poison", train.id(i)) < poisonFraction).toArray();
        if (poisonedAt.length == 0) {
            throw new IllegalArgumentException("--poison-fraction " + poisonFraction + " poisons no record of " + train.name());
        }
        RecordSet poisons = trigger.stamp(train, "poisoned", poisonedAt, target);
        RecordSet poisonedTrain = replace(train, poisonedAt, poisons);
        RecordSet forget = poisons.filter("forget", i -> HashDraw.of(seed, "identified", poisons.id(i)) < identifiedFraction);
        int[] attackAt = IntStream.range(0, test.size()).filter(i -> test.label(i) != target).toArray();
        RecordSet attackTest = trigger.stamp(test, "triggered-test", attackAt, -1);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("targetClass", train.classNames().get(target));
        facts.put("poisonedRecords", poisons.size());
        facts.put("identifiedRecords", forget.size());
        facts.put("trigger", triggerSize + "x" + triggerSize + " square of " + trigger.value() + " in the bottom-right corner");
        facts.put("attackTestRecords", attackTest.size());
        return ScenarioData.oneShot(NAME, poisonedTrain, forget, test, attackTest, facts);
    }

    /** {@code train} with the records at {@code positions} replaced by {@code replacements} (same order, same ids). */
    private static RecordSet replace(RecordSet train, int[] positions, RecordSet replacements) {
        float[] features = train.featuresView().clone();
        int[] labels = train.labels();
        int width = train.featureSize();
        for (int k = 0; k < positions.length; k++) {
            System.arraycopy(replacements.featuresView(), k * width, features, positions[k] * width, width);
            labels[positions[k]] = replacements.label(k);
        }
        String[] subjects = new String[train.size()];
        for (int i = 0; i < subjects.length; i++) {
            subjects[i] = train.subject(i);
        }
        return new RecordSet(train.name() + "+backdoor", train.ids().toArray(String[]::new), subjects, features, labels,
                train.featureShape(), train.classNames());
    }
}
