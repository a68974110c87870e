package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;

/**
 * The data an unlearning method sees.
 *
 * @param forget the records whose influence must go
 * @param retain the records that stay (all of them, or a sample when methods only need a reference)
 * @param validation optional held-out records (for methods that tune on them); may be null
 */
public record UnlearningData(RecordSet forget, RecordSet retain, RecordSet validation) {

    public UnlearningData {
        if (forget == null || retain == null) {
            throw new IllegalArgumentException("an unlearning run needs a forget set and a retain set");
        }
        if (forget.size() == 0) {
            throw new IllegalArgumentException("the forget set is empty: nothing to unlearn");
        }
    }
}
