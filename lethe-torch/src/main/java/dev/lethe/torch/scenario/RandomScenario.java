package dev.lethe.torch.scenario;

import dev.lethe.core.data.RecordSet;

import java.util.Map;

/**
 * {@code random}: forget a random share of the training records. Record {@code r} is forgotten when
 * {@code u(seed, "forget-set", id(r)) < fraction}, so about {@code fraction × |D|} records are chosen,
 * each independently of the others. The standard "random forgetting" protocol of the literature.
 *
 * @param fraction share of training records to forget, in (0, 1]
 */
public record RandomScenario(double fraction) implements Scenario {

    public static final String NAME = "random";

    public RandomScenario {
        HashDraw.share("--forget-fraction", fraction);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("forgetFraction", fraction);
    }

    @Override
    public ScenarioData build(RecordSet train, RecordSet test, long seed) {
        RecordSet forget = train.filter("forget", i -> HashDraw.of(seed, "forget-set", train.id(i)) < fraction);
        return ScenarioData.oneShot(NAME, train, forget, test, null, Map.of("forgetRecords", forget.size()));
    }
}
