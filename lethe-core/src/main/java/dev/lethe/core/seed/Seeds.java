package dev.lethe.core.seed;

import java.nio.charset.StandardCharsets;

/**
 * Derives every random seed in Lethe from a run seed and the purpose of the draw.
 *
 * <p>The determinism contract (docs/ARCHITECTURE.md#djl-and-pytorch and #exact-unlearning-sisa): a random draw is a pure function of
 * {@code (run seed, purpose, step...)}, never of state carried from earlier draws. Two runs with the
 * same seed therefore make the same draws even when one of them skipped work (resumed from a
 * checkpoint, or trained one shard and not another).
 *
 * <p>Mixing uses the SplitMix64 finaliser (Steele, Lea and Flood 2014), which maps distinct inputs to
 * well-spread 64-bit outputs; purposes are hashed with 64-bit FNV-1a so that "init" and "shuffle"
 * never collide by construction.
 */
public final class Seeds {

    private Seeds() {
    }

    /** Seed for a draw of the given purpose at the given steps (epoch, shard, slice, batch, ...). */
    public static long derive(long runSeed, String purpose, long... steps) {
        long h = mix(runSeed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ fnv1a(purpose));
        for (long step : steps) {
            h = mix(h + 0x9E3779B97F4A7C15L ^ step);
        }
        return h;
    }

    /** A stable 64-bit hash of a string (FNV-1a over its UTF-8 bytes, then SplitMix64). */
    public static long hash(String s) {
        return mix(fnv1a(s));
    }

    /** The SplitMix64 finaliser. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1) from a 64-bit seed. */
    public static double unitInterval(long seed) {
        return (mix(seed) >>> 11) * 0x1.0p-53;
    }

    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
