package dev.lethe.core.sisa;

import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checkpoints verified against known digests: learned on write, refused when damaged, never silently rewritten. */
class VerifiedCheckpointStoreTest {

    private static final CheckpointKey KEY = new CheckpointKey(3, 1, "ab".repeat(32));

    @Test
    void aWrittenCheckpointReadsBackAndAFlippedByteIsRefusedNamingShardAndFile(@TempDir Path dir) throws Exception {
        Store store = Store.create(dir.resolve("s"));
        VerifiedCheckpointStore checkpoints = VerifiedCheckpointStore.fresh(store);
        checkpoints.put(KEY, out -> out.write("weights and state".getBytes(StandardCharsets.UTF_8)));
        assertThat(checkpoints.knownDigest(KEY)).hasValue(checkpoints.sha256(KEY));
        try (InputStream in = checkpoints.open(KEY)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights and state");
        }

        Path file = checkpoints.files().file(KEY);
        byte[] bytes = Files.readAllBytes(file);
        bytes[4] ^= 1;
        Files.write(file, bytes);

        assertThat(checkpoints.isIntact(KEY)).isFalse();
        assertThatThrownBy(() -> checkpoints.open(KEY)).isInstanceOf(DamagedCheckpointException.class)
                .hasMessageContaining("checkpoints/" + KEY.relativePath()).hasMessageContaining("shard 3 (slice 1) is damaged")
                .hasMessageContaining("lethe repair --store " + store.root());
        Files.delete(file);
        assertThatThrownBy(() -> checkpoints.verify(KEY)).isInstanceOf(DamagedCheckpointException.class).hasMessageContaining("is missing");
    }

    @Test
    void rewritingAKnownCheckpointWithOtherBytesIsRefusedAndLeavesTheFile(@TempDir Path dir) throws Exception {
        Store store = Store.create(dir.resolve("s"));
        VerifiedCheckpointStore checkpoints = VerifiedCheckpointStore.fresh(store);
        checkpoints.put(KEY, out -> out.write(1));
        assertThatThrownBy(() -> checkpoints.put(KEY, out -> out.write(2))).isInstanceOf(StoreException.class)
                .hasMessageContaining("not bit-identical");
        assertThat(Files.readAllBytes(checkpoints.files().file(KEY))).containsExactly(1);
        checkpoints.put(KEY, out -> out.write(1)); // the same bytes again: fine (content addressing)
    }

    @Test
    void aFileWhoseDigestNoManifestRecordedIsNotTrusted(@TempDir Path dir) throws Exception {
        Store store = Store.create(dir.resolve("s"));
        FileCheckpointStore raw = new FileCheckpointStore(store.checkpointsDir());
        raw.put(KEY, out -> out.write(7)); // left by a run killed before its switch
        VerifiedCheckpointStore checkpoints = VerifiedCheckpointStore.fresh(store);
        assertThat(checkpoints.contains(KEY)).as("recomputed, not reused").isFalse();
        assertThatThrownBy(() -> checkpoints.open(KEY)).isInstanceOf(DamagedCheckpointException.class)
                .hasMessageContaining("has no digest in the manifest");
    }
}
