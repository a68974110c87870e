package dev.lethe.server;

import dev.lethe.torch.lm.GenerationConfig;
import dev.lethe.torch.sisa.SisaEnsemble;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded, immutable model version and a count of its users: the holder ({@link ServedModels}) holds one
 * reference while the version is current, each in-flight prediction one more. The ensemble is closed when the
 * last reference goes, so a version replaced mid-prediction finishes that prediction first.
 */
final class ServedModel {

    private final int version;
    private final SisaEnsemble ensemble;
    private final AtomicInteger references = new AtomicInteger(1);

    ServedModel(int version, SisaEnsemble ensemble) {
        this.version = version;
        this.ensemble = ensemble;
    }

    int version() {
        return version;
    }

    /** Takes a reference; false when the model is already closed (the caller reads the current one again). */
    boolean retain() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference, closing the ensemble with the last one. */
    void release() {
        if (references.decrementAndGet() == 0) {
            ensemble.close();
        }
    }

    /** The ensemble's continuation of {@code prompt}; callers hold a reference. One generation at a time per version. */
    synchronized int[] generate(int[] prompt, GenerationConfig config) {
        return ensemble.generate(prompt, config);
    }

    /** The ensemble's answer; callers hold a reference. One forward pass at a time per version. */
    synchronized SisaEnsemble.Answer answer(float[][] inputs) {
        return ensemble.answer(inputs);
    }
}
