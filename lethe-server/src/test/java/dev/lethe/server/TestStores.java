package dev.lethe.server;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.PseudoSubjects;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A small SISA store on the embedded digits (4 shards × 3 slices, subject assignment over 60 pseudo-persons,
 * mlp:32, 2 epochs per slice), trained once per test JVM; each test works on its own copy.
 */
final class TestStores {

    static final SisaConfig CONFIG = new SisaConfig(new ShardPlan(4, 3, Assignment.SUBJECT, 42),
            ModelSpec.parse("mlp:32", new int[]{64}, 10), new TrainConfig(2, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42),
            Aggregation.MAJORITY_VOTE, 2);

    private static Path template;

    private TestStores() {
    }

    /** A fresh copy of the template store at {@code dir}. */
    static synchronized Path copy(Path dir) throws IOException {
        if (template == null) {
            TorchRuntime.start(CONFIG.threads());
            Path scratch = Files.createTempDirectory("lethe-template");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> org.apache.commons.io.FileUtils.deleteQuietly(scratch.toFile())));
            template = scratch.resolve("store");
            DatasetRef.Loaded d = DatasetRef.digits(42).load();
            DatasetRef.Loaded data = new DatasetRef.Loaded(d.ref(), PseudoSubjects.assign(d.train(), 60, 42),
                    PseudoSubjects.assign(d.test(), 60, 42), d.fingerprint());
            SisaService.train(template, data, CONFIG, Device.cpu(), TrainListener.NONE, e -> {
            });
        }
        return copyTree(template, dir);
    }

    static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return to;
    }
}
