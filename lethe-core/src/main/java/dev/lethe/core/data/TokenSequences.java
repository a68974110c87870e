package dev.lethe.core.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One variable-length sequence of token ids per record (text for a language model), over a vocabulary
 * of {@code vocabularySize} ids. Stored ragged: all tokens in one flat {@code int[]}, record {@code i}
 * at {@code [offsets[i], offsets[i+1])}, so a corpus of short and long documents wastes no padding;
 * padding is added per batch, when the tensors are built.
 */
public final class TokenSequences implements RecordContent {

    private final int[] tokens;
    private final int[] offsets;
    private final int vocabularySize;

    /**
     * @param tokens every record's token ids, one record after another; shared, not copied
     * @param offsets {@code size() + 1} positions into {@code tokens}: 0, the end of record 0, ..., {@code tokens.length}
     * @param vocabularySize the number of distinct token ids; every id is in {@code [0, vocabularySize)}
     */
    public TokenSequences(int[] tokens, int[] offsets, int vocabularySize) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.offsets = offsets.clone();
        this.vocabularySize = vocabularySize;
        if (vocabularySize < 1) {
            throw new IllegalArgumentException("a vocabulary needs at least one token, got " + vocabularySize);
        }
        Ragged.check(this.offsets, tokens.length, "token sequences");
        for (int k = 0; k < tokens.length; k++) {
            if (tokens[k] < 0 || tokens[k] >= vocabularySize) {
                throw new IllegalArgumentException("token " + tokens[k] + " at flat position " + k
                        + " is outside the vocabulary [0, " + vocabularySize + ")");
            }
        }
    }

    /** Sequences from one {@code int[]} per record. */
    public static TokenSequences of(List<int[]> sequences, int vocabularySize) {
        int[] offsets = new int[sequences.size() + 1];
        for (int i = 0; i < sequences.size(); i++) {
            offsets[i + 1] = offsets[i] + sequences.get(i).length;
        }
        int[] flat = new int[offsets[sequences.size()]];
        for (int i = 0; i < sequences.size(); i++) {
            System.arraycopy(sequences.get(i), 0, flat, offsets[i], sequences.get(i).length);
        }
        return new TokenSequences(flat, offsets, vocabularySize);
    }

    @Override
    public int size() {
        return offsets.length - 1;
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    /** The number of tokens of record {@code i}. */
    public int length(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /** The length of the longest record (0 for an empty set). */
    public int maxLength() {
        int max = 0;
        for (int i = 0; i < size(); i++) {
            max = Math.max(max, length(i));
        }
        return max;
    }

    /** Record {@code i}'s tokens (copied). */
    public int[] tokens(int i) {
        return Arrays.copyOfRange(tokens, offsets[i], offsets[i + 1]);
    }

    /** All tokens, flat, shared, not copied: callers must not modify them. */
    public int[] tokensView() {
        return tokens;
    }

    /** The offsets of the records in {@link #tokensView()} (copied). */
    public int[] offsets() {
        return offsets.clone();
    }

    @Override
    public TokenSequences select(int[] positions) {
        int[] newOffsets = Ragged.selectOffsets(offsets, positions);
        int[] out = new int[newOffsets[positions.length]];
        Ragged.copySelected(tokens, offsets, positions, out, newOffsets);
        return new TokenSequences(out, newOffsets, vocabularySize);
    }

    @Override
    public boolean sameLayout(RecordContent other) {
        return other instanceof TokenSequences t && t.vocabularySize == vocabularySize;
    }

    @Override
    public TokenSequences concat(List<RecordContent> others) {
        List<int[]> allOffsets = new ArrayList<>();
        allOffsets.add(offsets);
        int total = tokens.length;
        for (RecordContent o : others) {
            allOffsets.add(((TokenSequences) o).offsets);
            total += ((TokenSequences) o).tokens.length;
        }
        int[] out = Arrays.copyOf(tokens, total);
        int at = tokens.length;
        for (RecordContent o : others) {
            int[] t = ((TokenSequences) o).tokens;
            System.arraycopy(t, 0, out, at, t.length);
            at += t.length;
        }
        return new TokenSequences(out, Ragged.concatOffsets(allOffsets), vocabularySize);
    }

    @Override
    public String describe() {
        return "token sequences, vocabulary " + vocabularySize;
    }

    @Override
    public void digestLayout(MessageDigest md) {
        md.update(("tokens/" + vocabularySize).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void digestValues(MessageDigest md) {
        // Lengths first, then tokens: the same flat tokens cut differently are different records.
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size(); i++) {
            md.update(b.putInt(0, length(i)).array(), 0, 4);
        }
        for (int t : tokens) {
            md.update(b.putInt(0, t).array(), 0, 4);
        }
    }
}
