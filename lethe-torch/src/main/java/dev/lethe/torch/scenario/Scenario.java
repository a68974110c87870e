package dev.lethe.torch.scenario;

import dev.lethe.core.data.RecordSet;

import java.util.Map;

/**
 * An unlearning scenario: a pure, seeded function of (training set, test set, seed, parameters) that
 * says what the original model trains on, what must be forgotten and what remains. Every random choice
 * derives from the seed and a record's (or subject's) own id via {@link dev.lethe.core.seed.Seeds}, so
 * the same inputs give the same sets on every machine, and whether a record is chosen never depends on
 * which other records exist.
 *
 * <p>The scenarios follow the evaluation protocols of the unlearning literature: random records,
 * a whole class and whole persons (e.g. Kurmanji et al. 2023, "Towards Unbounded Machine Unlearning";
 * Fan et al. 2024, SalUn), corrective removal of a backdoor (Goel et al. 2024, "Corrective Machine
 * Unlearning") and a stream of requests (Gupta et al. 2021, "Adaptive Machine Unlearning").
 */
public interface Scenario {

    /** The scenario's id as used on the command line ({@code random}, {@code class}, ...). */
    String name();

    /** The resolved parameters, for the report and the configuration hash. */
    Map<String, Object> parameters();

    /** The sets of this scenario for {@code seed}; refuses parameters that do not fit the data. */
    ScenarioData build(RecordSet train, RecordSet test, long seed);
}
