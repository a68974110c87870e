package dev.lethe.torch.scenario;

import java.util.List;

/**
 * A scenario as named on the command line, with every parameter any scenario takes; {@link #create()}
 * validates the ones the named scenario uses and refuses an unknown name, before any work.
 *
 * @param name {@code random}, {@code class}, {@code subjects}, {@code backdoor} or {@code sequential}
 * @param forgetFraction share of records ({@code random}, {@code sequential}) or subjects ({@code subjects}) to forget
 * @param forgetClass class index forgotten by {@code class}
 * @param subjects pseudo-persons assigned by {@code subjects} when the data has none
 * @param targetClass the backdoor's target class
 * @param poisonFraction share of non-target training records the backdoor poisons
 * @param identifiedFraction share of the poisoned records that are identified and forgotten
 * @param triggerSize side of the backdoor's square trigger, in pixels
 * @param steps requests of {@code sequential}
 */
public record ScenarioSpec(String name, double forgetFraction, int forgetClass, int subjects, int targetClass, double poisonFraction,
                           double identifiedFraction, int triggerSize, int steps) {

    /** The scenario names {@link #create()} accepts. */
    public static final List<String> NAMES = List.of(RandomScenario.NAME, ClassScenario.NAME, SubjectScenario.NAME,
            BackdoorScenario.NAME, SequentialScenario.NAME);

    /** The defaults of every parameter for the named scenario. */
    public static ScenarioSpec defaults(String name) {
        return new ScenarioSpec(name, 0.1, 0, 100, 0, 0.1, 1.0, 3, 5);
    }

    /** The scenario, with its parameters validated; an unknown name lists the known ones. */
    public Scenario create() {
        if (name == null) {
            throw new IllegalArgumentException("a scenario is required: " + String.join(", ", NAMES));
        }
        return switch (name) {
            case RandomScenario.NAME -> new RandomScenario(forgetFraction);
            case ClassScenario.NAME -> new ClassScenario(forgetClass);
            case SubjectScenario.NAME -> new SubjectScenario(forgetFraction, subjects);
            case BackdoorScenario.NAME -> new BackdoorScenario(targetClass, poisonFraction, identifiedFraction, triggerSize);
            case SequentialScenario.NAME -> new SequentialScenario(new RandomScenario(forgetFraction), steps);
            default -> throw new IllegalArgumentException("unknown scenario '" + name + "'; scenarios: " + String.join(", ", NAMES));
        };
    }
}
