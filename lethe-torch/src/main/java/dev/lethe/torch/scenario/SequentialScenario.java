package dev.lethe.torch.scenario;

import dev.lethe.core.data.RecordSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sequential}: the forget set of a base scenario arrives as {@code steps} requests over time
 * (Gupta et al. 2021, "Adaptive Machine Unlearning"; Nguyen et al. 2022 survey, "continual removal").
 * Record {@code r} of the base forget set goes to request {@code ⌊u(seed, "request", id(r)) · steps⌋},
 * so the requests are disjoint, about equal in size and each record's request is its own affair.
 * A method is applied once per request, each time to the previous result; the harness reports the
 * cumulative cost and the drift of accuracy per step.
 *
 * @param base the scenario whose forget set is split (e.g. {@link RandomScenario})
 * @param steps number of requests, at least 2
 */
public record SequentialScenario(Scenario base, int steps) implements Scenario {

    public static final String NAME = "sequential";

    public SequentialScenario {
        if (steps < 2) {
            throw new IllegalArgumentException("--steps must be at least 2 for the sequential scenario, got " + steps);
        }
        if (base instanceof SequentialScenario) {
            throw new IllegalArgumentException("a sequential scenario cannot be based on another sequential one");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("base", base.name());
        p.putAll(base.parameters());
        p.put("steps", steps);
        return p;
    }

    @Override
    public ScenarioData build(RecordSet train, RecordSet test, long seed) {
        ScenarioData one = base.build(train, test, seed);
        RecordSet forget = one.forget();
        List<RecordSet> requests = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            int step = k;
            RecordSet request = forget.filter("request-" + (k + 1),
                    i -> (int) Math.floor(HashDraw.of(seed, "request", forget.id(i)) * steps) == step);
            if (request.size() == 0) {
                throw new IllegalArgumentException("request " + (k + 1) + " of " + steps + " is empty: the forget set has "
                        + forget.size() + " records; use fewer --steps or a larger forget set");
            }
            requests.add(request);
        }
        Map<String, Object> facts = new LinkedHashMap<>(one.facts());
        facts.put("requestSizes", requests.stream().map(RecordSet::size).toList());
        return new ScenarioData(NAME, one.train(), forget, one.retain(), one.test(), one.attackTest(), requests, facts);
    }
}
