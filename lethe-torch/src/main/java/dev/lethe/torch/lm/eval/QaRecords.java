package dev.lethe.torch.lm.eval;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.QaFormat;
import dev.lethe.core.text.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Question–answer pairs as next-token records: each pair encoded by {@link QaFormat} with its loss
 * mask starting at the answer, so that training, the task's loss and the scorer all see the same
 * sequences and count the same tokens.
 */
public final class QaRecords {

    private QaRecords() {
    }

    /** The items' (question, answer) pairs as a record set named {@code name} (record ids {@code name#position}), with the items' subjects. */
    public static RecordSet of(String name, Tokenizer tokenizer, List<QaItem> items) {
        List<QaFormat.Encoded> encoded = new ArrayList<>(items.size());
        String[] ids = new String[items.size()];
        String[] subjects = new String[items.size()];
        for (int i = 0; i < items.size(); i++) {
            QaItem item = items.get(i);
            encoded.add(QaFormat.encode(tokenizer, item.question(), item.answer()));
            ids[i] = name + "#" + i;
            subjects[i] = item.subject();
        }
        return of(name, ids, subjects, tokenizer.vocabularySize(), encoded);
    }

    /** Encoded pairs as a record set, one record per pair, with ids {@code ids} and the given subjects (entries may be null). */
    static RecordSet of(String name, String[] ids, String[] subjects, int vocabularySize, List<QaFormat.Encoded> encoded) {
        List<int[]> sequences = new ArrayList<>(encoded.size());
        int[] answerStarts = new int[encoded.size()];
        for (int i = 0; i < encoded.size(); i++) {
            sequences.add(encoded.get(i).tokens());
            answerStarts[i] = encoded.get(i).answerStart();
        }
        TokenSequences tokens = TokenSequences.of(sequences, vocabularySize);
        return new RecordSet(name, ids, subjects, tokens, NextTokenTargets.fromPosition(tokens, answerStarts));
    }
}
