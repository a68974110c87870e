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
 * @param poisoned whether the forget records are poisoned or mislabelled (a backdoor's triggered records, wrong labels):
 *                 their labels must leave the model, so a strength set from the data aims their accuracy at 0. Otherwise
 *                 (an erasure request) a forgotten record should end as the model treats a record it never saw, and the
 *                 aim is the validation records' accuracy ({@link StrengthCalibration})
 */
public record UnlearningData(RecordSet forget, RecordSet retain, RecordSet validation, String tokenizer, boolean poisoned) {

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

    /** The data of an erasure request (not {@link #poisoned}) whose token records were made with {@code tokenizer}. */
    public UnlearningData(RecordSet forget, RecordSet retain, RecordSet validation, String tokenizer) {
        this(forget, retain, validation, tokenizer, false);
    }

    /** The data of an erasure request (not {@link #poisoned}) whose token records (if any) were made with the byte tokenizer. */
    public UnlearningData(RecordSet forget, RecordSet retain, RecordSet validation) {
        this(forget, retain, validation, ByteTokenizer.NAME);
    }

    /** The same data, its forget records marked {@link #poisoned} (or not). */
    public UnlearningData withPoisoned(boolean isPoisoned) {
        return new UnlearningData(forget, retain, validation, tokenizer, isPoisoned);
    }
}
