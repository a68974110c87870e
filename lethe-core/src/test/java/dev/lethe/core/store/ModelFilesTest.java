package dev.lethe.core.store;

import dev.lethe.core.keys.IdDigest;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which model files a single-model store keeps, and which records its tombstones leave out (pure Java, milliseconds). */
class ModelFilesTest {

    private static SingleModelVersion version(int v, boolean keepPrevious) {
        return new SingleModelVersion(v, Store.modelFileName(v), "sha", "now", Map.of(), v == 1 ? null
                : new UnlearningReceipt(null, "finetune", "approximate", Map.of(), 1, 0.1, null, "records", 1, "d", 9, 0, 1, v - 1, v,
                keepPrevious, null, List.of()));
    }

    private static StoreManifest manifest(boolean... keepPrevious) {
        StoreManifest m = StoreManifest.single("now", Map.of(), new StoreManifest.DatasetInfo(DatasetRef.digits(1), "f", 1, 1, List.of("a")),
                new StoreManifest.ModelInfo("mlp", new int[]{1}, 1, 1), new TrainingSettings(1, 1, "adam", 0f, 0f, 0f, 1L, 1, "cpu()"),
                version(1, false));
        for (int i = 0; i < keepPrevious.length; i++) {
            m = m.withNewVersion(version(i + 2, keepPrevious[i]), null, null);
        }
        return m;
    }

    @Test
    void anErasurePurgesEveryEarlierVersionAndKeepPreviousKeepsThemUntilTheNextErasure() {
        assertThat(ModelFiles.justified(manifest())).containsExactly("models/model-v1.lethe-model");
        assertThat(ModelFiles.justified(manifest(false))).containsExactly("models/model-v2.lethe-model");
        assertThat(ModelFiles.justified(manifest(true, true))).containsExactlyInAnyOrder("models/model-v1.lethe-model",
                "models/model-v2.lethe-model", "models/model-v3.lethe-model");
        // an erasure after two repairs drops all of them
        assertThat(ModelFiles.justified(manifest(true, true, false))).containsExactly("models/model-v4.lethe-model");
        // a repair after an erasure keeps only what the erasure left
        assertThat(ModelFiles.justified(manifest(false, true))).containsExactlyInAnyOrder("models/model-v2.lethe-model",
                "models/model-v3.lethe-model");
    }

    @Test
    void thePurgeTakesSideFilesAndStraysButNotTheCurrentModel(@TempDir Path dir) throws Exception {
        Store store = Store.create(dir.resolve("s"));
        StoreManifest m = manifest(false);
        store.writeManifest(m);
        for (String f : new String[]{"model-v1.lethe-model", "model-v1.lethe-model.certified", "model-v2.lethe-model",
                "model-v2.lethe-model.certified", "model-v20.lethe-model", ".model-v3.lethe-model.123.tmp"}) {
            Files.writeString(store.modelsDir().resolve(f), f);
        }
        assertThat(ModelFiles.purge(store)).containsExactly("models/.model-v3.lethe-model.123.tmp", "models/model-v1.lethe-model",
                "models/model-v1.lethe-model.certified", "models/model-v20.lethe-model");
        try (var files = Files.list(store.modelsDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("model-v2.lethe-model", "model-v2.lethe-model.certified");
        }
        assertThat(ModelFiles.unjustified(store)).isEmpty();
    }

    @Test
    void tombstonesLeaveOutExactlyTheForgottenIds() {
        RecordSet records = new RecordSet("r", new String[]{"a", "b", "c"}, null, new float[]{1, 2, 3}, new int[]{0, 0, 0},
                new int[]{1}, List.of("x"));
        Tombstones t = Tombstones.of(List.of(), IdDigest.PLAIN).with(List.of("b"));
        assertThat(t.covers("b")).isTrue();
        assertThat(t.covers("a")).isFalse();
        assertThat(t.sorted()).containsExactly(IdDigest.PLAIN.ofId("b")).doesNotContain("b");
        assertThat(t.exclude(records).ids()).containsExactly("a", "c");
        assertThat(Tombstones.of((List<String>) null, IdDigest.PLAIN).exclude(records)).isSameAs(records);
    }

    @Test
    void aFolderWithoutAStoreHasNoHistory(@TempDir Path dir) throws Exception {
        assertThat(ErasureHistory.read(dir.resolve("absent")).isEmpty()).isTrue();
        ErasureHistory.read(dir).checkReplace(dir, false); // nothing to refuse
    }
}
