package dev.lethe.core.sisa;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Content address of a SISA checkpoint: shard, slice, and the digest of everything it was trained on
 * ({@link Lineage#checkpointKey}).
 *
 * @param shard 0-based shard
 * @param slice 0-based slice
 * @param digest SHA-256 hex of (configuration, ordered record ids of slices 0..slice of the shard)
 */
public record CheckpointKey(int shard, int slice, String digest) {

    private static final Pattern FILE = Pattern.compile("shard-(\\d{3})/slice-(\\d{3})-([0-9a-f]{64})\\.ckpt");

    public CheckpointKey {
        if (shard < 0 || slice < 0) {
            throw new IllegalArgumentException("shard and slice must be >= 0, got " + shard + ", " + slice);
        }
        if (digest == null || !digest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a checkpoint digest is 64 hex characters, got '" + digest + "'");
        }
    }

    /** Path of the checkpoint relative to the checkpoint folder, e.g. {@code shard-003/slice-001-<digest>.ckpt}. */
    public String relativePath() {
        return String.format(java.util.Locale.ROOT, "shard-%03d/slice-%03d-%s.ckpt", shard, slice, digest);
    }

    /** Parses {@link #relativePath()} (with '/' separators); empty if the path is not a checkpoint's. */
    public static java.util.Optional<CheckpointKey> parse(String relativePath) {
        Matcher m = FILE.matcher(relativePath.replace('\\', '/'));
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new CheckpointKey(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3)));
    }

    /** The first 12 digest characters, for people. */
    public String shortDigest() {
        return digest.substring(0, 12);
    }
}
