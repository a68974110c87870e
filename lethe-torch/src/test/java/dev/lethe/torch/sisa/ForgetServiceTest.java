package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.audit.AuditReport;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.PseudoSubjects;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.ledger.RequestStatus;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.Digits;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Forgetting in a real store on disk: exactness, untouched files, receipts, rejections and the audit. */
class ForgetServiceTest {

    private static final DatasetRef.Loaded DATA = withSubjects(Digits.split());
    private static final SisaConfig CONFIG = new SisaConfig(new ShardPlan(4, 3, Assignment.SUBJECT, 42),
            ModelSpec.parse("mlp:32", new int[]{64}, 10), new TrainConfig(2, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42),
            Aggregation.MAJORITY_VOTE, 2);

    private static DatasetRef.Loaded withSubjects(DatasetRef.Loaded d) {
        return new DatasetRef.Loaded(d.ref(), PseudoSubjects.assign(d.train(), 60, 42), PseudoSubjects.assign(d.test(), 60, 42), d.fingerprint());
    }

    private static Store train(Path dir, DatasetRef.Loaded data) throws Exception {
        return SisaService.train(dir, data, CONFIG, Device.cpu(), TrainListener.NONE, e -> {
        }).store();
    }

    /** Every file under the store, relative path → SHA-256. */
    private static Map<String, String> snapshot(Path root, String under) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root.resolve(under))) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Store.sha256(p));
            }
        }
        return files;
    }

    private static List<String> finalCheckpoints(Store store) {
        return store.readManifest().currentSisa().checkpoints();
    }

    @Test
    void theManifestIsParsedOnceAndReadAgainWhenTheFileChanges(@TempDir Path dir) throws Exception {
        // Given a trained store, read twice: the second read is the parsed manifest kept from the first
        Store store = train(dir.resolve("m"), DATA);
        StoreManifest first = store.readManifest();
        assertThat(store.readManifest()).isSameAs(first);
        // When a forget batch writes a new version, the next read sees it
        new ForgetService(store, Device.cpu()).submit(
                new RequestSpec(ForgetKind.SUBJECTS, List.of(DATA.train().subject(0)), "cache", null), "test");
        new ForgetService(store, Device.cpu()).process();
        StoreManifest second = store.readManifest();
        assertThat(second.currentVersion()).isEqualTo(first.currentVersion() + 1);
        // and a manifest damaged in place is noticed, not served from memory
        Files.writeString(store.root().resolve("manifest.json"), "{\"schemaVersion\": ");
        assertThatThrownBy(store::readManifest).isInstanceOf(StoreException.class).hasMessageContaining("not a valid manifest");
    }

    @Test
    void forgettingRecordsGivesTheStoreAFreshTrainingOnTheRestWouldGive(@TempDir Path dir) throws Exception {
        Store store = train(dir.resolve("a"), DATA);
        Random random = new Random(3);
        List<String> forgotten = new ArrayList<>();
        while (forgotten.size() < 4) {
            String id = DATA.train().id(random.nextInt(DATA.train().size()));
            if (!forgotten.contains(id)) {
                forgotten.add(id);
            }
        }
        // Given the checkpoint files of every shard that holds none of the records
        var lineage = CONFIG.plan().place(DATA.train());
        Set<Integer> affected = new java.util.TreeSet<>();
        for (String id : forgotten) {
            affected.add(lineage.placement(lineage.position(id).orElseThrow()).shard());
        }
        Map<String, String> untouchedBefore = new TreeMap<>();
        for (int s = 0; s < 4; s++) {
            if (!affected.contains(s)) {
                untouchedBefore.putAll(snapshot(store.root(), String.format("checkpoints/shard-%03d", s)));
            }
        }

        // When they are forgotten
        ForgetService service = new ForgetService(store, Device.cpu());
        service.accept(new RequestSpec(ForgetKind.RECORDS, forgotten, "test", null), "tester");
        Receipt receipt = service.process().get(0);

        // And a fresh SISA training runs on the remaining records
        Set<String> gone = Set.copyOf(forgotten);
        RecordSet remaining = DATA.train().filter(DATA.train().name(), i -> !gone.contains(DATA.train().id(i)));
        Store fresh = train(dir.resolve("b"), new DatasetRef.Loaded(DATA.ref(), remaining, DATA.test(), DATA.fingerprint()));

        // Then the served checkpoints are the same files with the same bytes
        assertThat(finalCheckpoints(store)).isEqualTo(finalCheckpoints(fresh));
        assertThat(store.readManifest().currentSisa().checkpointSha256()).isEqualTo(fresh.readManifest().currentSisa().checkpointSha256());
        // And the untouched shards kept their checkpoint files: same paths, same bytes
        Map<String, String> untouchedAfter = new TreeMap<>();
        for (int s = 0; s < 4; s++) {
            if (!affected.contains(s)) {
                untouchedAfter.putAll(snapshot(store.root(), String.format("checkpoints/shard-%03d", s)));
            }
        }
        assertThat(untouchedAfter).isEqualTo(untouchedBefore).isNotEmpty();
        // And the receipt tells what matched and what was retrained
        assertThat(receipt.matchedTrainRecords()).isEqualTo(4);
        assertThat(receipt.retrained()).extracting(StoreManifest.ShardRetrain::shard).containsExactlyElementsOf(affected);
        assertThat(receipt.modelVersion()).isEqualTo(2);
        assertThat(StoreAudit.run(store).passed()).isTrue();
    }

    @Test
    void forgettingAPersonRemovesTheirRowsEverywhereAndRetrainsOneShard(@TempDir Path dir) throws Exception {
        Store store = train(dir, DATA);
        String person = DATA.train().subject(5);
        ForgetService service = new ForgetService(store, Device.cpu());
        var request = service.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(person), null, null), "tester");
        Receipt receipt = service.process().get(0);

        long trainRows = java.util.stream.IntStream.range(0, DATA.train().size()).filter(i -> person.equals(DATA.train().subject(i))).count();
        long testRows = java.util.stream.IntStream.range(0, DATA.test().size()).filter(i -> person.equals(DATA.test().subject(i))).count();
        assertThat(receipt.matchedTrainRecords()).isEqualTo(trainRows).isPositive();
        assertThat(receipt.matchedTestRecords()).isEqualTo(testRows);
        assertThat(receipt.retrained()).hasSize(1);
        for (RecordSet set : List.of(SisaService.loadTraining(store), SisaService.loadTest(store))) {
            for (int i = 0; i < set.size(); i++) {
                assertThat(set.subject(i)).isNotEqualTo(person);
            }
        }
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            var stored = ledger.find(request.id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(RequestStatus.DONE);
            assertThat(stored.values()).isEmpty();
            assertThat(stored.receiptJson()).contains("\"matchedTrainRecords\":" + trainRows);
        }
        assertThat(Files.readAllBytes(store.ledgerFile())).asString(java.nio.charset.StandardCharsets.ISO_8859_1).doesNotContain(person);
        assertThat(StoreAudit.run(store).passed()).isTrue();
    }

    @Test
    void requestsThatArriveTogetherRetrainEachShardOnce(@TempDir Path dir) throws Exception {
        Store store = train(dir, DATA);
        ForgetService service = new ForgetService(store, Device.cpu());
        var lineage = CONFIG.plan().place(DATA.train());
        // two records of the same shard, in two requests
        int first = 0;
        int second = java.util.stream.IntStream.range(1, DATA.train().size())
                .filter(i -> lineage.placement(i).shard() == lineage.placement(first).shard()).findFirst().orElseThrow();
        service.accept(new RequestSpec(ForgetKind.RECORDS, List.of(DATA.train().id(first)), null, null), "a");
        service.accept(new RequestSpec(ForgetKind.RECORDS, List.of(DATA.train().id(second)), null, null), "b");
        List<Receipt> receipts = service.process();
        assertThat(receipts).hasSize(2);
        assertThat(receipts).allSatisfy(r -> {
            assertThat(r.modelVersion()).isEqualTo(2);
            assertThat(r.batchRequests()).isEqualTo(2);
        });
        assertThat(store.readManifest().currentSisa().retrained()).hasSize(1);
    }

    @Test
    void unknownIdsCompleteWithZeroMatchedAndChangeNoCheckpoint(@TempDir Path dir) throws Exception {
        Store store = train(dir, DATA);
        Map<String, String> before = snapshot(store.root(), "checkpoints");
        ForgetService service = new ForgetService(store, Device.cpu());
        service.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("nobody-we-know"), null, null), "tester");
        Receipt receipt = service.process().get(0);
        assertThat(receipt.matchedTrainRecords()).isZero();
        assertThat(receipt.matchedTestRecords()).isZero();
        assertThat(receipt.retrained()).isEmpty();
        assertThat(snapshot(store.root(), "checkpoints")).isEqualTo(before);
        assertThat(StoreAudit.run(store).passed()).isTrue();
    }

    @Test
    void rejectedRequestsLeaveTheStoreByteForByteUnchanged(@TempDir Path dir) throws Exception {
        Store store = train(dir, DATA);
        Map<String, String> before = snapshot(store.root(), ".");
        ForgetService service = new ForgetService(store, Device.cpu());
        assertThatThrownBy(() -> service.accept(new RequestSpec(ForgetKind.LABEL, List.of("eleven"), null, null), "t"))
                .hasMessageContaining("label 'eleven' is not a class of this store");
        assertThatThrownBy(() -> service.accept(new RequestSpec(ForgetKind.RECORDS, List.of("bad\u0007id"), null, null), "t"))
                .hasMessageContaining("malformed id");
        assertThatThrownBy(() -> new RequestSpec(ForgetKind.RECORDS, List.of(), null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(snapshot(store.root(), ".")).isEqualTo(before);
    }

    @Test
    void theAuditFindsAStaleCheckpointAForgottenRowAndATamperedLedger(@TempDir Path dir) throws Exception {
        Store store = train(dir, DATA);
        Path oldData = dir.resolve("old-shard.bin");
        Files.copy(store.root().resolve(store.readManifest().dataFiles().shards().get(0)), oldData);
        String staleCheckpoint = finalCheckpoints(store).get(0);
        Path staleCopy = dir.resolve("stale.ckpt");
        ForgetService service = new ForgetService(store, Device.cpu());
        var lineage = CONFIG.plan().place(DATA.train());
        String victim = java.util.stream.IntStream.range(0, DATA.train().size()).filter(i -> lineage.placement(i).shard() == 0)
                .mapToObj(i -> DATA.train().id(i)).findFirst().orElseThrow();
        Files.copy(store.checkpointsDir().resolve(staleCheckpoint), staleCopy);
        service.accept(new RequestSpec(ForgetKind.RECORDS, List.of(victim), null, null), "t");
        service.process();
        assertThat(StoreAudit.run(store).passed()).isTrue();
        assertThat(store.checkpointsDir().resolve(staleCheckpoint)).doesNotExist();

        // A checkpoint trained on the forgotten record comes back
        Files.copy(staleCopy, store.checkpointsDir().resolve(staleCheckpoint));
        AuditReport stale = StoreAudit.run(store);
        assertThat(stale.passed()).isFalse();
        assertThat(stale.checks()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("no checkpoint covers a forgotten record");
            assertThat(c.passed()).isFalse();
            assertThat(c.detail()).contains(staleCheckpoint);
        });
        Files.delete(store.checkpointsDir().resolve(staleCheckpoint));

        // The old data file, which still holds the forgotten row, comes back
        Files.copy(oldData, store.dataDir().resolve("shard-000-v1.bin"));
        AuditReport row = StoreAudit.run(store);
        assertThat(row.checks()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("no forgotten data row remains");
            assertThat(c.passed()).isFalse();
        });
        Files.delete(store.dataDir().resolve("shard-000-v1.bin"));
        assertThat(StoreAudit.run(store).passed()).isTrue();

        // Someone cuts off the newest ledger events, down to the head the manifest recorded: the chain
        // that is left is intact, but the head is gone
        String head = store.readManifest().ledgerHead();
        Path intactLedger = dir.resolve("intact-ledger.db");
        Files.copy(store.ledgerFile(), intactLedger);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.ledgerFile());
             var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM events WHERE seq >= (SELECT seq FROM events WHERE hash = '" + head + "')");
        }
        AuditReport truncated = StoreAudit.run(store);
        assertThat(truncated.checks().get(0).passed()).as("chain of the remaining events").isTrue();
        assertThat(truncated.checks().get(1).passed()).isFalse();
        assertThat(truncated.checks().get(1).detail()).contains("lost its newest events");
        Files.copy(intactLedger, store.ledgerFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(StoreAudit.run(store).passed()).isTrue();

        // Someone edits an audit event
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.ledgerFile());
             var st = c.createStatement()) {
            st.executeUpdate("UPDATE events SET payload = '{}' WHERE seq = 2");
        }
        AuditReport tampered = StoreAudit.run(store);
        assertThat(tampered.checks().get(0).passed()).isFalse();
        assertThat(tampered.checks().get(0).detail()).contains("event 2");
    }
}
