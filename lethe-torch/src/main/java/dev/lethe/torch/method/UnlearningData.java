package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.Tokenizers;

/**
 * The data an unlearning method sees.
 *
 * @param forget the records whose influence must go
 * @param retain the records that stay (all of them, or a sample when methods only need a reference)
 * @param validation optional held-out records (for methods that tune on them); may be null
 * @param tokenizer the name of the {@link dev.lethe.core.text.Tokenizer} the token records were made with
 *                  (in {@link Tokenizers}), for the methods that write new text into the model ({@code idk});
 *                  {@code bytes} unless said otherwise, and unused on a classifier's data
 */
public record UnlearningData(RecordSet forget, RecordSet retain, RecordSet validation, String tokenizer) {

    public UnlearningData {
        if (forget == null || retain == null) {
            throw new IllegalArgumentException("an unlearning run needs a forget set and a retain set");
        }
        if (forget.size() == 0) {
            throw new IllegalArgumentException("the forget set is empty: nothing to unlearn");
        }
        if (tokenizer == null || tokenizer.isBlank()) {
            throw new IllegalArgumentException("the tokenizer name is empty; give the name the token records were made with (e.g. "
                    + ByteTokenizer.NAME + ")");
        }
    }

    /** The data of a run whose token records (if any) were made with the byte tokenizer. */
    public UnlearningData(RecordSet forget, RecordSet retain, RecordSet validation) {
        this(forget, retain, validation, ByteTokenizer.NAME);
    }
}
