package dev.lethe.core.data.load;

/**
 * Record ids built from a position in a fixed file: {@code prefix-00042}. The index is zero-padded to
 * as many digits as the largest index in the file has, so that the ids sort in file order.
 */
public final class RecordIds {

    private RecordIds() {
    }

    /**
     * @param prefix what comes before the dash ("train", "digits")
     * @param index the 0-based position of the record
     * @param count how many records the file holds (sets the padding)
     */
    public static String indexed(String prefix, int index, int count) {
        int width = String.valueOf(Math.max(count - 1, 0)).length();
        String digits = String.valueOf(index);
        return prefix + "-" + "0".repeat(Math.max(0, width - digits.length())) + digits;
    }
}
