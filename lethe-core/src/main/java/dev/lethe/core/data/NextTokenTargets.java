package dev.lethe.core.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The targets of a language model: each token of a record's {@link TokenSequences} is predicted from
 * the tokens before it, and a loss mask says which positions count. Plain text counts every position;
 * a question–answer record counts only the answer's tokens, so the model is trained (and unlearned) on
 * what it answers, not on the question it is asked.
 *
 * <p>The mask is ragged and aligned with the token sequences position for position ({@code mask[k]}
 * belongs to flat token {@code k}). A record's first token has nothing before it, so it is never
 * predicted: its mask entry must be {@code false}.
 */
public final class NextTokenTargets implements RecordTargets {

    private final boolean[] lossMask;
    private final int[] offsets;

    /**
     * @param lossMask for every flat token position, whether predicting that token counts in the loss (copied)
     * @param offsets the same record offsets as the token sequences the mask belongs to
     */
    public NextTokenTargets(boolean[] lossMask, int[] offsets) {
        this.lossMask = lossMask.clone();
        this.offsets = offsets.clone();
        Ragged.check(this.offsets, lossMask.length, "loss mask");
        for (int i = 0; i + 1 < this.offsets.length; i++) {
            if (this.offsets[i] < this.offsets[i + 1] && lossMask[this.offsets[i]]) {
                throw new IllegalArgumentException("loss mask: record " + i + "'s first token has nothing before it and cannot be predicted");
            }
        }
    }

    /** Every token after the first of each record counts (plain text). */
    public static NextTokenTargets allTokens(TokenSequences sequences) {
        return fromPosition(sequences, new int[sequences.size()]);
    }

    /**
     * In record {@code i}, the tokens from position {@code firstPredicted[i]} on count (never position 0):
     * for question–answer records, the position where the answer starts.
     */
    public static NextTokenTargets fromPosition(TokenSequences sequences, int[] firstPredicted) {
        if (firstPredicted.length != sequences.size()) {
            throw new IllegalArgumentException("one first position per record: " + firstPredicted.length + " for " + sequences.size());
        }
        int[] offsets = sequences.offsets();
        boolean[] mask = new boolean[offsets[offsets.length - 1]];
        for (int i = 0; i < firstPredicted.length; i++) {
            Arrays.fill(mask, offsets[i] + Math.min(Math.max(1, firstPredicted[i]), sequences.length(i)), offsets[i + 1], true);
        }
        return new NextTokenTargets(mask, offsets);
    }

    @Override
    public int size() {
        return offsets.length - 1;
    }

    /** Whether predicting token {@code position} of record {@code i} counts in the loss. */
    public boolean counts(int i, int position) {
        return lossMask[offsets[i] + position];
    }

    /** Record {@code i}'s mask (copied). */
    public boolean[] mask(int i) {
        return Arrays.copyOfRange(lossMask, offsets[i], offsets[i + 1]);
    }

    /** The flat mask, shared, not copied: callers must not modify it. */
    public boolean[] maskView() {
        return lossMask;
    }

    /** The record offsets into {@link #maskView()} (copied). */
    public int[] offsets() {
        return offsets.clone();
    }

    @Override
    public NextTokenTargets select(int[] positions) {
        int[] newOffsets = Ragged.selectOffsets(offsets, positions);
        boolean[] out = new boolean[newOffsets[positions.length]];
        Ragged.copySelected(lossMask, offsets, positions, out, newOffsets);
        return new NextTokenTargets(out, newOffsets);
    }

    @Override
    public boolean sameSpace(RecordTargets other) {
        return other instanceof NextTokenTargets;
    }

    @Override
    public NextTokenTargets concat(List<RecordTargets> others) {
        List<int[]> allOffsets = new ArrayList<>();
        allOffsets.add(offsets);
        int total = lossMask.length;
        for (RecordTargets o : others) {
            allOffsets.add(((NextTokenTargets) o).offsets);
            total += ((NextTokenTargets) o).lossMask.length;
        }
        boolean[] out = Arrays.copyOf(lossMask, total);
        int at = lossMask.length;
        for (RecordTargets o : others) {
            boolean[] m = ((NextTokenTargets) o).lossMask;
            System.arraycopy(m, 0, out, at, m.length);
            at += m.length;
        }
        return new NextTokenTargets(out, Ragged.concatOffsets(allOffsets));
    }

    @Override
    public void digestSpace(MessageDigest md) {
        md.update("next-token".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void digestRecord(MessageDigest md, int i) {
        // The mask goes in as one block at the end (digestRest).
    }

    @Override
    public void digestRest(MessageDigest md) {
        byte[] bytes = new byte[lossMask.length];
        for (int k = 0; k < bytes.length; k++) {
            bytes[k] = (byte) (lossMask[k] ? 1 : 0);
        }
        md.update(bytes);
    }
}
