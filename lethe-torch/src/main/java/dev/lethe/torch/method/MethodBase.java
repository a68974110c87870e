package dev.lethe.torch.method;

/**
 * What every {@link UnlearningMethod} states about itself — id, summary, guarantee, default options and
 * their type — held once here, so a method class carries only its paper, its options record and
 * {@link #unlearn}.
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

    @Override
    public String toString() {
        return name;
    }
}
