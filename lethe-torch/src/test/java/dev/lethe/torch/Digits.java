package dev.lethe.torch;

import dev.lethe.core.data.DatasetRef;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The embedded digits with a seeded 80/20 split, loaded once per test JVM. */
public final class Digits {

    private static DatasetRef.Loaded loaded;

    private Digits() {
    }

    public static synchronized DatasetRef.Loaded split() {
        if (loaded == null) {
            try {
                loaded = DatasetRef.digits(42).load();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return loaded;
    }
}
