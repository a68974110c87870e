package dev.lethe.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifest stays small however many requests a store served (issue 12): versions move to the append-only
 * history, the manifest keeps the first and the newest, and nothing the audit needs is lost.
 */
class ManifestHistoryTest {

    @TempDir
    Path dir;

    @Test
    void aStoreThatServed100kRequestsKeepsASmallManifestAndItsWholeHistory() throws Exception {
        // Given the manifest of a store after 100,000 one-request batches (generated, not run)
        StoreManifest full = SyntheticStores.afterRequests(100_000, 1);
        Store store = Store.create(dir.resolve("s"));
        // When it is written
        store.writeManifest(full);
        // Then the manifest lists the first and the newest versions only: what remains is the tombstones
        StoreManifest read = Store.open(store.root()).readManifest();
        assertThat(read.models()).hasSize(ManifestHistory.RECENT + 1);
        assertThat(read.models().get(0).version()).isEqualTo(1);
        assertThat(read.current().version()).isEqualTo(100_001);
        assertThat(read.tombstones()).hasSize(100_000);
        long tombstoneBytes = 100_000L * (64 + 8);
        assertThat(Files.size(store.manifestFile())).isLessThan(tombstoneBytes + 64 * 1024);
        // and every version, with the requests it applied, is still there in order
        List<StoreManifest.ModelVersion> history = store.history();
        int[] numbers = history.stream().mapToInt(StoreManifest.ModelVersion::version).toArray();
        assertThat(numbers).isEqualTo(java.util.stream.IntStream.rangeClosed(1, 100_001).toArray());
        Set<String> applied = new HashSet<>();
        history.forEach(v -> applied.addAll(v.requests()));
        assertThat(applied).hasSize(100_000).contains("req-000000000001", String.format("req-%012x", 100_000));
        // and the history holds no digest of ids (the receipts do): it never needs re-keying
        assertThat(((SisaModelVersion) history.get(5)).matched()).isNull();
        assertThat(read.currentSisa().matched()).isNotNull();
    }

    @Test
    void anOldManifestWithEveryVersionLoadsAndIsCompactedByTheNextWrite() throws Exception {
        StoreManifest full = SyntheticStores.afterRequests(1_000, 1);
        Path root = Files.createDirectories(dir.resolve("old"));
        SyntheticStores.writeUncompacted(root, full);
        Store store = Store.open(root);
        assertThat(store.readManifest().models()).hasSize(1_001);
        assertThat(store.history()).hasSize(1_001);
        long before = Files.size(store.manifestFile());
        store.writeManifest(store.readManifest());
        assertThat(store.readManifest().models()).hasSize(ManifestHistory.RECENT + 1);
        assertThat(Files.size(store.manifestFile())).isLessThan(before / 10);
        assertThat(store.history()).extracting(StoreManifest.ModelVersion::version)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 1_001).boxed().toList());
    }

    @Test
    void aKillMidAppendLeavesNoDuplicateAndNoTornLine() throws Exception {
        Store store = Store.create(dir.resolve("s"));
        StoreManifest m = SyntheticStores.afterRequests(40);
        store.writeManifest(m);
        Path history = store.root().resolve(ManifestHistory.FILE);
        long size = Files.size(history);
        // a process killed while appending leaves half a line, and the old manifest (which still lists those versions)
        Files.writeString(history, "{\"version\":24,\"createdAt\":\"2026-12", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThat(store.history()).hasSize(41); // a torn last line is skipped when reading
        // the next write cuts the torn line off and appends only versions the history lacks
        store.writeManifest(SyntheticStores.afterRequests(45));
        assertThat(store.history()).extracting(StoreManifest.ModelVersion::version)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 46).boxed().toList());
        assertThat(Files.readAllLines(history)).allSatisfy(l -> assertThat(l).endsWith("}"));
        assertThat(Files.size(history)).isGreaterThan(size);
        // a rewrite of the same manifest appends nothing
        long now = Files.size(history);
        store.writeManifest(store.readManifest());
        assertThat(Files.size(history)).isEqualTo(now);
    }
}
