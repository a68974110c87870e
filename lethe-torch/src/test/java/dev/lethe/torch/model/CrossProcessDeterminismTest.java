package dev.lethe.torch.model;

import dev.lethe.torch.Digits;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The determinism contract across JVMs: a second process with the same seed and threads gets the same bits, whichever
 * JIT tier it compiles to (the launcher's C1 or the full JIT).
 */
class CrossProcessDeterminismTest {

    static final TrainConfig CONFIG = new TrainConfig(2, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 99);
    static final ModelSpec SPEC = ModelSpec.parse("mlp:64,32", new int[]{64}, 10);

    /** Trains the fixed configuration and returns the weights digest. */
    static String trainedDigest() {
        try (ModelHandle model = ModelHandle.create(SPEC, CONFIG.seed()); TensorData data = TensorData.of(Digits.split().train(), model.manager())) {
            new TrainLoop(CONFIG).run(model, data, Objectives.crossEntropy());
            return model.weightsDigest();
        }
    }

    /** Entry point of the child JVM. */
    public static void main(String[] args) {
        System.out.println("DIGEST " + trainedDigest());
    }

    @Test
    void aSecondJvmTrainsBitIdenticalWeights() throws Exception {
        // Given the digest trained in this JVM
        String here = trainedDigest();
        // When a fresh JVM with the same thread settings trains the same configuration, with its JIT stopped at C1 as
        // ./lethe runs batch commands (this JVM has the full JIT): Java's arithmetic is strict, so the tier changes no bit
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "2"),
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), CrossProcessDeterminismTest.class.getName()))
                .redirectErrorStream(true).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // Then it prints the same digest
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("DIGEST " + here);
    }
}
