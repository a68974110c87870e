package dev.lethe.torch.scenario;

import dev.lethe.core.seed.Seeds;

/**
 * A uniform draw in [0, 1) that is a pure function of (seed, purpose, key): the key is a record's or a
 * subject's own id. Choosing "u &lt; p" therefore selects a share p in expectation, and a record's fate
 * does not depend on the other records (docs/ARCHITECTURE.md#exact-unlearning-sisa).
 */
final class HashDraw {

    private HashDraw() {
    }

    static double of(long seed, String purpose, String key) {
        return Seeds.unitInterval(Seeds.derive(seed, purpose) ^ Seeds.hash(key));
    }

    /** Refuses a share outside (0, 1] with the option's name in the message. */
    static double share(String option, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(option + " must be a share in (0, 1] (e.g. 0.1 for 10 %), got " + value);
        }
        return value;
    }
}
