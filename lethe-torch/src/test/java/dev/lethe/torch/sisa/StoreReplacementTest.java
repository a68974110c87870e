package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.PseudoSubjects;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.ledger.AuditEvent;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.store.ErasureHistory;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.torch.Digits;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Training again into a SISA store that has forgotten someone (issue 19, item 3): refused without
 * {@code replace}, naming what would be lost; with it, the tombstones carry over and the person never
 * comes back — not in the data files, not in the checkpoints, not to a later request — also after a
 * replacement that a crash interrupted.
 */
class StoreReplacementTest {

    private static final DatasetRef.Loaded DATA = withSubjects(Digits.split());
    private static final SisaConfig CONFIG = new SisaConfig(new ShardPlan(3, 2, Assignment.SUBJECT, 42),
            ModelSpec.parse("mlp:16", new int[]{64}, 10), new TrainConfig(1, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42),
            Aggregation.MAJORITY_VOTE, 2);
    private static final String PERSON = "subject-7";

    private static DatasetRef.Loaded withSubjects(DatasetRef.Loaded d) {
        return new DatasetRef.Loaded(d.ref(), PseudoSubjects.assign(d.train(), 60, 42), PseudoSubjects.assign(d.test(), 60, 42), d.fingerprint());
    }

    private static SisaService.Outcome train(Path dir, boolean replace) throws Exception {
        return SisaService.train(dir, DATA, CONFIG, replace, Device.cpu(), TrainListener.NONE, e -> {
        });
    }

    private static Receipt forget(Store store, String subject) throws Exception {
        ForgetService service = new ForgetService(store, Device.cpu());
        service.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(subject), "test", null), "tester");
        return service.process().get(0);
    }

    private static Set<String> personsIds() {
        Set<String> ids = new HashSet<>();
        for (RecordSet s : new RecordSet[]{DATA.train(), DATA.test()}) {
            for (int i = 0; i < s.size(); i++) {
                if (PERSON.equals(s.subject(i))) {
                    ids.add(s.id(i));
                }
            }
        }
        return ids;
    }

    private static Set<String> storedIds(Store store) throws Exception {
        Set<String> ids = new HashSet<>(SisaService.loadTraining(store).ids());
        ids.addAll(SisaService.loadTest(store).ids());
        return ids;
    }

    @Test
    void aStoreThatForgotSomeoneIsReplacedOnlyOnRequestAndThePersonNeverComesBack(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("store");
        Store store = train(root, false).store();
        Receipt first = forget(store, PERSON);
        assertThat(first.matchedTrainRecords()).isPositive();
        List<String> forgottenCheckpoints = store.readManifest().currentSisa().checkpoints();

        // When the store is trained again without --replace: refused, naming what would be lost, and nothing changed
        String manifestBefore = Files.readString(store.manifestFile());
        assertThatThrownBy(() -> train(root, false)).isInstanceOf(StoreException.class)
                .hasMessageContaining("erasure history").hasMessageContaining("1 forget request(s)")
                .hasMessageContaining(personsIds().size() + " tombstone(s)").hasMessageContaining("--replace");
        assertThat(Files.readString(store.manifestFile())).isEqualTo(manifestBefore);

        // When it is replaced from the same source data
        SisaService.Outcome replaced = train(root, true);

        // Then the person's records are in no data file, the tombstones carried over, and the audit passes
        assertThat(storedIds(replaced.store())).doesNotContainAnyElementsOf(personsIds()).isNotEmpty();
        assertThat(replaced.manifest().tombstones()).hasSize(personsIds().size());
        assertThat(replaced.manifest().dataset().trainRecords()).isEqualTo(DATA.train().size() - first.matchedTrainRecords());
        assertThat(StoreAudit.run(replaced.store()).passed()).isTrue();
        // and the models are those a training without the person gives: the same checkpoints the forget produced
        assertThat(replaced.manifest().currentSisa().checkpoints()).isEqualTo(forgottenCheckpoints);
        // and the new ledger says what the replacement dropped
        try (Ledger ledger = Ledger.open(replaced.store().ledgerFile())) {
            AuditEvent trained = ledger.events().get(0);
            assertThat(trained.payload()).contains("\"replacedRequests\":1").contains("\"carriedTombstones\":" + personsIds().size());
        }
        // and forgetting the person again matches nothing
        Receipt again = forget(replaced.store(), PERSON);
        assertThat(again.matchedTrainRecords()).isZero();
        assertThat(again.matchedTestRecords()).isZero();
    }

    @Test
    void anInterruptedReplacementKeepsTheTombstonesUntilItIsFinished(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("store");
        forget(train(root, false).store(), PERSON);

        // When a replacement dies after it deleted the old store's files (Store.create) but before the new manifest
        Store.create(root);

        // Then the folder says what happened, and its tombstones are still known
        assertThatThrownBy(() -> Store.open(root)).isInstanceOf(StoreException.class).hasMessageContaining("was interrupted");
        assertThat(ErasureHistory.read(root).tombstones().size()).isEqualTo(personsIds().size());
        // and a rerun finishes it with the person left out
        SisaService.Outcome finished = train(root, true);
        assertThat(storedIds(finished.store())).doesNotContainAnyElementsOf(personsIds());
        assertThat(finished.manifest().tombstones()).hasSize(personsIds().size());
        assertThat(finished.store().replacingFile()).doesNotExist();
        assertThat(StoreAudit.run(finished.store()).passed()).isTrue();
    }

    @Test
    void aStoreWithPendingRequestsIsNeverReplaced(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("store");
        Store store = train(root, false).store();
        new ForgetService(store, Device.cpu()).accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(PERSON), "test", null), "tester");
        assertThatThrownBy(() -> train(root, true)).isInstanceOf(StoreException.class)
                .hasMessageContaining("1 forget request(s) not yet done").hasMessageContaining("--resume");
    }
}
