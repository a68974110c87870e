package dev.lethe.core.data;

import java.util.List;

/**
 * Index arithmetic for ragged columns: variable-length entries stored one after another in one flat
 * array, entry {@code i} at {@code [offsets[i], offsets[i+1])}. Shared by token sequences and their
 * loss masks, which must stay aligned position for position.
 */
final class Ragged {

    private Ragged() {
    }

    /** Checks that {@code offsets} starts at 0, never decreases and ends at {@code flatLength}. */
    static void check(int[] offsets, int flatLength, String what) {
        if (offsets.length == 0 || offsets[0] != 0 || offsets[offsets.length - 1] != flatLength) {
            throw new IllegalArgumentException(what + ": offsets must run from 0 to " + flatLength);
        }
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] < offsets[i - 1]) {
                throw new IllegalArgumentException(what + ": offsets decrease at entry " + i);
            }
        }
    }

    /** The offsets of the entries at {@code positions}, packed in that order. */
    static int[] selectOffsets(int[] offsets, int[] positions) {
        int[] out = new int[positions.length + 1];
        for (int k = 0; k < positions.length; k++) {
            int i = positions[k];
            out[k + 1] = out[k] + offsets[i + 1] - offsets[i];
        }
        return out;
    }

    /** Copies the entries at {@code positions} of {@code flat} ({@code int[]} or {@code boolean[]}) into {@code into}, packed by {@code newOffsets}. */
    static void copySelected(Object flat, int[] offsets, int[] positions, Object into, int[] newOffsets) {
        for (int k = 0; k < positions.length; k++) {
            int i = positions[k];
            System.arraycopy(flat, offsets[i], into, newOffsets[k], offsets[i + 1] - offsets[i]);
        }
    }

    /** The offsets of several ragged columns placed one after another. */
    static int[] concatOffsets(List<int[]> parts) {
        int n = parts.stream().mapToInt(o -> o.length - 1).sum();
        int[] out = new int[n + 1];
        int at = 0;
        for (int[] o : parts) {
            int base = out[at];
            for (int i = 1; i < o.length; i++) {
                out[at + i] = base + o[i];
            }
            at += o.length - 1;
        }
        return out;
    }
}
