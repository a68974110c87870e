package dev.lethe.torch.method;

import dev.lethe.torch.model.ModelHandle;

/**
 * What every {@link UnlearningMethod} states about itself — id, summary, guarantee, default options and
 * their type — held once here, together with the one way a run owns its model: {@link #unlearn} copies
 * the original, runs the method's {@link #unlearnInPlace body} on the copy and closes the copy when the
 * body fails in any way (an exception, a loss that became NaN, a cancelled run), so no method can leak
 * it. A method class carries only its paper, its options record and its body.
 *
 * @param <O> the options record
 */
public abstract class MethodBase<O extends Record> implements UnlearningMethod<O> {

    private final String name;
    private final String summary;
    private final Guarantee guarantee;
    private final O defaults;
    private final Class<O> optionsType;

    protected MethodBase(String name, String summary, Guarantee guarantee, O defaults, Class<O> optionsType) {
        this.name = name;
        this.summary = summary;
        this.guarantee = guarantee;
        this.defaults = defaults;
        this.optionsType = optionsType;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String summary() {
        return summary;
    }

    @Override
    public final Guarantee guarantee() {
        return guarantee;
    }

    @Override
    public final O defaults() {
        return defaults;
    }

    @Override
    public final Class<O> optionsType() {
        return optionsType;
    }

    /**
     * Copies {@code original} ({@link #startingModel}), unlearns on the copy ({@link #unlearnInPlace}) and
     * returns it; the copy is closed if the body does not return normally.
     */
    @Override
    public final ModelHandle unlearn(ModelHandle original, UnlearningData data, UnlearningContext context, O options) {
        ModelHandle model = startingModel(original, context);
        try {
            unlearnInPlace(model, original, data, context, options);
            return model;
        } catch (Throwable failure) { // errors too (out of memory): the copy's native arrays are freed only by close
            model.close();
            throw failure;
        }
    }

    /**
     * The model the body changes: a copy of {@code original}, which is never changed. A method that
     * starts elsewhere (from a fresh initialisation) overrides this; the model it returns is closed on
     * failure like the copy.
     */
    protected ModelHandle startingModel(ModelHandle original, UnlearningContext context) {
        return original.copy();
    }

    /**
     * The method itself: unlearns {@code data.forget()} by changing {@code model} (from
     * {@link #startingModel}) in place. {@code original} is the model the run started from, for what
     * must not change (a frozen reference, an attack on the original, the identity of
     * {@linkplain UnlearningContext#prepared prepared} state); the body must not change it.
     */
    protected abstract void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context,
                                           O options);

    @Override
    public String toString() {
        return name;
    }
}
