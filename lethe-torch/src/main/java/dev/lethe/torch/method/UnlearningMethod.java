package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;

import java.util.List;
import java.util.Optional;

/**
 * One unlearning method (docs/ARCHITECTURE.md#extension-points): a name, a guarantee, a validated options record with
 * defaults, and {@link #unlearn}. A method never changes the model it is given: it returns a new
 * model that the caller owns (and closes).
 *
 * @param <O> the options record; each component is one option, described with
 *            {@code @JsonPropertyDescription}, validated in the record's constructor
 */
public interface UnlearningMethod<O extends Record> {

    /** Kebab-case id, e.g. {@code grad-ascent}. */
    String name();

    /** One line for {@code lethe methods}. */
    String summary();

    Guarantee guarantee();

    /** The options with their defaults. */
    O defaults();

    /** The options record's class (for parsing). */
    Class<O> optionsType();

    /**
     * The tasks this method can unlearn from, in {@link Tasks#all()} order: classification only unless
     * the method says more. A method declares another task only when every loss it computes goes through
     * {@link Task} (no logits-as-class-scores arithmetic of its own); the runner refuses the others.
     */
    default List<Task> tasks() {
        return List.of(ClassificationTask.INSTANCE);
    }

    /**
     * Why this method cannot run on an opaque module — a model that is one layer to Lethe (an imported TorchScript module
     * without a feature output, {@link dev.lethe.torch.model.ModelHandle#isOpaque()}) — or empty when it can (the
     * default): a method that works at a layer (resets it, steers its activations), or on one architecture of Lethe's
     * own, says what it needs.
     */
    default Optional<String> whyNotOnOpaqueModules() {
        return Optional.empty();
    }

    /**
     * The option that sets how hard this method forgets, with the values to try, weakest first: when the user does not
     * set it, {@link StrengthCalibration} picks one on a held-out part of the forget/retain split before the run. Empty
     * (the default) for a method whose defaults hold across data sets.
     */
    default Optional<Strength> strength() {
        return Optional.empty();
    }

    /**
     * Computes, once per trained model, what {@link #unlearn} needs that does not depend on the
     * forget set ({@link Prepared}); {@code training} is all of the model's training data. Empty for
     * methods with nothing to precompute (the default). The result belongs to the caller; pass it
     * with {@link UnlearningContext#withPrepared} to every removal from {@code original}.
     */
    default Optional<Prepared> prepare(ModelHandle original, RecordSet training, UnlearningContext context, O options) {
        return Optional.empty();
    }

    /**
     * Unlearns {@code data.forget()} from a copy of {@code original}, using the context's
     * {@link Prepared} state when it was prepared for {@code original} and computing it inline otherwise.
     */
    ModelHandle unlearn(ModelHandle original, UnlearningData data, UnlearningContext context, O options);

    /**
     * What this method needs at training time and from the store that keeps the trained model (objective,
     * finishing step, state kept next to the model, option defaults from the stored training); {@link TrainingHook#NONE}
     * for methods that need nothing (the default).
     */
    default TrainingHook trainingHook() {
        return TrainingHook.NONE;
    }
}
