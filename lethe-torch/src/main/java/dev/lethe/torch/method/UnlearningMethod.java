package dev.lethe.torch.method;

import dev.lethe.torch.model.ModelHandle;

/**
 * One unlearning method (DESIGN.md §4): a name, a guarantee, a validated options record with
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

    /** Unlearns {@code data.forget()} from a copy of {@code original}. */
    ModelHandle unlearn(ModelHandle original, UnlearningData data, UnlearningContext context, O options);
}
