package dev.lethe.core.data.text;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.QaFormat;
import dev.lethe.core.text.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds a language model's {@link RecordSet} from question–answer items: one record per item, its
 * tokens {@link QaFormat#encode the prompt then the answer}, its loss mask from the answer's first token
 * ({@link NextTokenTargets#fromPosition}), so training and unlearning act on what the model answers,
 * never on the question. The subject of a record is its item's subject (a TOFU author), so forgetting
 * a subject forgets every pair about them.
 */
public final class QaRecords {

    private QaRecords() {
    }

    /**
     * @param name the set's name, for messages and reports
     * @param items the pairs, in record order
     * @param idOf each item's record id (unique), e.g. {@code tofu-0042} from its place in {@code full.json}
     * @param tokenizer how text becomes tokens
     */
    public static RecordSet of(String name, List<QaItem> items, Function<QaItem, String> idOf, Tokenizer tokenizer) {
        List<int[]> sequences = new ArrayList<>(items.size());
        int[] answerStarts = new int[items.size()];
        String[] ids = new String[items.size()];
        String[] subjects = new String[items.size()];
        for (int i = 0; i < items.size(); i++) {
            QaItem item = items.get(i);
            QaFormat.Encoded encoded = QaFormat.encode(tokenizer, item.question(), item.answer());
            sequences.add(encoded.tokens());
            answerStarts[i] = encoded.answerStart();
            ids[i] = idOf.apply(item);
            subjects[i] = item.subject();
        }
        TokenSequences tokens = TokenSequences.of(sequences, tokenizer.vocabularySize());
        return new RecordSet(name, ids, subjects, tokens, NextTokenTargets.fromPosition(tokens, answerStarts));
    }
}
