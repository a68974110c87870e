package dev.lethe.spark;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.PseudoSubjects;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.sisa.ShardStorage;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.Receipt;
import dev.lethe.torch.sisa.ShardExecutor;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The small SISA store the Spark tests train with every engine: the embedded digits with 60 pseudo-persons, 3 shards
 * × 2 slices placed by person, an mlp:16 for one epoch per slice, 2 PyTorch threads (the test JVM's); and what the
 * tests compare between engines: the SHA-256 of every checkpoint file and the manifest's checkpoint records.
 */
final class SisaStores {

    static final int THREADS = 2;
    static final SisaConfig CONFIG = new SisaConfig(new ShardPlan(3, 2, Assignment.SUBJECT, 42),
            ModelSpec.parse("mlp:16", new int[]{64}, 10), new TrainConfig(1, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42),
            Aggregation.MAJORITY_VOTE, THREADS);

    private static DatasetRef.Loaded data;

    private SisaStores() {
    }

    static synchronized DatasetRef.Loaded data() {
        if (data == null) {
            TorchRuntime.start(THREADS);
            try {
                DatasetRef.Loaded d = DatasetRef.digits(42).load();
                data = new DatasetRef.Loaded(d.ref(), PseudoSubjects.assign(d.train(), 60, 42), PseudoSubjects.assign(d.test(), 60, 42),
                        d.fingerprint());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return data;
    }

    static Store train(Path dir, ShardExecutor executor) throws IOException {
        return SisaService.train(dir, data(), CONFIG, false, executor, Device.cpu(), TrainListener.NONE, e -> {
        }).store();
    }

    /**
     * The same store with a user's architecture: the TorchScript MLP that lethe-torch's tests script in Python
     * (lethe-torch/src/test/resources/torchscript/mlp-64-10.pt), fresh weights per shard.
     */
    static Store trainTorchScript(Path dir, ShardExecutor executor) throws IOException {
        byte[] module = Files.readAllBytes(Path.of("..", "lethe-torch", "src", "test", "resources", "torchscript", "mlp-64-10.pt"));
        data();
        ModelSpec spec;
        try (var imported = dev.lethe.torch.model.TorchScriptModules.open(module, "mlp-64-10.pt", new int[]{64}, 10, Device.cpu())) {
            spec = imported.spec();
        }
        SisaConfig config = new SisaConfig(CONFIG.plan(), spec, CONFIG.train(), CONFIG.aggregation(), THREADS);
        return SisaService.train(dir, data(), config, false, executor, Device.cpu(), TrainListener.NONE, e -> {
        }).store();
    }

    static Receipt forget(Store store, ShardExecutor executor, ForgetKind kind, List<String> values) throws IOException {
        ForgetService service = new ForgetService(ShardStorage.of(store), Device.cpu(), null).executor(executor);
        service.accept(new RequestSpec(kind, values, null, null), "tester");
        List<Receipt> receipts = service.process();
        assertThat(receipts).hasSize(1);
        return receipts.get(0);
    }

    /** SHA-256 of every file under checkpoints/, by relative path (a stray .crc or .tmp file would show here too). */
    static Map<String, String> checkpointFiles(Store store) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(store.checkpointsDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                digests.put(store.checkpointsDir().relativize(f).toString(), Store.sha256(f));
            }
        }
        return digests;
    }

    /** The same checkpoint files (by SHA-256) and the same served checkpoints, whatever the store's configuration. */
    static void assertSameFiles(Store actual, Store expected) throws IOException {
        assertThat(checkpointFiles(actual)).isEqualTo(checkpointFiles(expected));
        assertThat(actual.readManifest().currentSisa().checkpointSha256()).isEqualTo(expected.readManifest().currentSisa().checkpointSha256());
    }

    /** The engine-independent picture of a store: every checkpoint file's digest and the manifest's checkpoint records. */
    static void assertSameCheckpoints(Store actual, Store expected, int checkpoints) throws IOException {
        assertThat(checkpointFiles(actual)).isEqualTo(checkpointFiles(expected)).hasSize(checkpoints)
                .allSatisfy((path, sha) -> assertThat(path).endsWith(".ckpt"));
        StoreManifest a = actual.readManifest();
        StoreManifest e = expected.readManifest();
        assertThat(a.currentVersion()).isEqualTo(e.currentVersion());
        assertThat(a.currentSisa().checkpoints()).isEqualTo(e.currentSisa().checkpoints()).hasSize(CONFIG.plan().shards());
        assertThat(a.currentSisa().checkpointSha256()).isEqualTo(e.currentSisa().checkpointSha256());
        assertThat(a.checkpointDigests()).isEqualTo(e.checkpointDigests()).hasSize(checkpoints);
        assertThat(a.dataFiles()).isEqualTo(e.dataFiles());
    }
}
