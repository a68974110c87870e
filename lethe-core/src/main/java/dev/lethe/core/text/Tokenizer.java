package dev.lethe.core.text;

/**
 * Turns text into the token ids a language model reads and back. Lethe's models are trained from
 * scratch here, so the built-in tokenizer is {@link ByteTokenizer} (UTF-8 bytes, 256 ids, nothing to
 * fit); a subword tokenizer (BPE, SentencePiece) plugs in behind this interface through
 * {@link Tokenizers#register} without a change to the data sources, the model family or the metrics.
 *
 * <p>Contract: {@code decode(encode(s)).equals(s)} for every string {@code s}; {@code encode(a + b)}
 * equals {@code encode(a)} followed by {@code encode(b)} whenever {@code a} ends at a token boundary
 * (always for bytes), which lets a question–answer record's loss mask start exactly where its answer
 * starts ({@link QaFormat}).
 */
public interface Tokenizer {

    /** The name stores record ({@code bytes}); a stored model is only read back with the same tokenizer. */
    String name();

    /** The number of token ids; every id is in {@code [0, vocabularySize())}. */
    int vocabularySize();

    /** The token ids of {@code text}. */
    int[] encode(String text);

    /** The text of {@code tokens}; ids that do not form valid text decode to U+FFFD, never fail. */
    String decode(int[] tokens);
}
