package dev.lethe.torch.lm.bench;

import ai.djl.Device;

import java.io.IOException;

/**
 * Opens the {@link TofuBenchSteps} of one run: reads and checks the TOFU data for the configuration (bad
 * data or names are refused here, before any training) and binds the model family, methods and scorer.
 */
@FunctionalInterface
public interface TofuStepsFactory {

    /** The steps for {@code config}, training on {@code device}. */
    TofuBenchSteps<?> open(TofuBenchConfig config, Device device) throws IOException;
}
