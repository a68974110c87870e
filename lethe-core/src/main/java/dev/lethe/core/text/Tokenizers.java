package dev.lethe.core.text;

import dev.lethe.core.registry.Registry;

import java.util.List;

/**
 * The registry of tokenizers: {@link ByteTokenizer} built in, then every {@link Tokenizer} a jar names in
 * {@code META-INF/services/dev.lethe.core.text.Tokenizer}. A store records its tokenizer's name, so the
 * process that reads the store back finds the same one here.
 */
public final class Tokenizers {

    private static final Registry<Tokenizer> TOKENIZERS = new Registry<>("tokenizer", "tokenizers", Tokenizer::name,
            List.of(ByteTokenizer.INSTANCE), Tokenizer.class);

    private Tokenizers() {
    }

    /** The tokenizer called {@code name}; an unknown name fails with the registered names. */
    public static Tokenizer get(String name) {
        return TOKENIZERS.get(name);
    }

    /** Adds {@code tokenizer} until the returned registration is closed. */
    public static Registry.Registration register(Tokenizer tokenizer) {
        return TOKENIZERS.register(tokenizer);
    }
}
