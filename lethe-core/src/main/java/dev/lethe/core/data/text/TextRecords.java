package dev.lethe.core.data.text;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.data.load.RecordIds;
import dev.lethe.core.text.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a language model's {@link RecordSet} from plain text passages, each with its subject: every
 * token counts in the loss ({@link NextTokenTargets#allTokens}). A passage longer than
 * {@code maxTokens} is cut into chunks of at most that many tokens, at line ends where it can be (a
 * single longer line is cut where the limit falls), so that every record fits the model's context;
 * the chunks keep the passage's subject, so forgetting a subject still forgets all of its text.
 */
public final class TextRecords {

    /**
     * A passage of text and whom it belongs to.
     *
     * @param subject the subject (a speaker, an author); may be {@code null}
     * @param text the text
     */
    public record Passage(String subject, String text) {
    }

    private TextRecords() {
    }

    /**
     * @param name the set's name
     * @param passages the passages, in record order
     * @param idPrefix the ids are {@code idPrefix-000123}, numbered over the records (after chunking), six digits at least
     * @param tokenizer how text becomes tokens
     * @param maxTokens the most tokens of one record, at least 2
     */
    public static RecordSet of(String name, List<Passage> passages, String idPrefix, Tokenizer tokenizer, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("a record needs at least 2 tokens (one to predict from, one to predict), got maxTokens " + maxTokens);
        }
        List<int[]> sequences = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (Passage passage : passages) {
            for (int[] chunk : chunks(passage.text(), tokenizer, maxTokens)) {
                sequences.add(chunk);
                subjects.add(passage.subject());
            }
        }
        String[] ids = new String[sequences.size()];
        int idSpace = Math.max(1_000_000, sequences.size());
        for (int i = 0; i < ids.length; i++) {
            ids[i] = RecordIds.indexed(idPrefix, i, idSpace);
        }
        TokenSequences tokens = TokenSequences.of(sequences, tokenizer.vocabularySize());
        return new RecordSet(name, ids, subjects.toArray(String[]::new), tokens, NextTokenTargets.allTokens(tokens));
    }

    /** {@code text}'s tokens in chunks of at most {@code maxTokens}, cut after whole lines where possible. */
    static List<int[]> chunks(String text, Tokenizer tokenizer, int maxTokens) {
        List<int[]> chunks = new ArrayList<>();
        int[] current = new int[0];
        for (String line : text.split("(?<=\n)")) {
            int[] lineTokens = tokenizer.encode(line);
            if (current.length + lineTokens.length > maxTokens && current.length > 0) {
                chunks.add(current);
                current = new int[0];
            }
            for (int from = 0; from < lineTokens.length; ) {
                int take = Math.min(maxTokens - current.length, lineTokens.length - from);
                current = concat(current, Arrays.copyOfRange(lineTokens, from, from + take));
                from += take;
                if (current.length == maxTokens) {
                    chunks.add(current);
                    current = new int[0];
                }
            }
        }
        if (current.length > 0) {
            chunks.add(current);
        }
        return chunks;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
