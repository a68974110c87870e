package dev.lethe.torch.method;

import ai.djl.Device;
import dev.lethe.core.audit.AuditReport;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.forget.RecordSelector;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.method.certified.CertifiedRemoval;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.service.TrainService;
import dev.lethe.torch.service.UnlearnService;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sequential approximate unlearning on a single-model store (issue 12, items 1 and 2): after forgetting
 * person A, a second request for person B must not hand A's records to the method again (every method
 * that uses retain data would fine-tune them back in), and no model file trained on A stays on disk.
 * The method is wrapped so that the test sees exactly the data it was given.
 */
class SequentialUnlearningTest {

    /** Digits with 60 pseudo-persons: the reference itself assigns them, so the store can load the same records again. */
    private static final DatasetRef REF = new DatasetRef("digits", null, null, null, null, null, 60, 0.2, 0, 0, 42);
    private static final String FIRST = "subject-7";
    private static final String SECOND = "subject-11";

    /** Options that keep the slower methods to a second or two: the test is about the data they see, not how well they forget. */
    private static final Map<String, Map<String, String>> FAST = Map.of(
            "retrain", Map.of("retrain.epochs", "1"),
            "finetune", Map.of("finetune.epochs", "1"),
            "prune-finetune", Map.of("prune-finetune.epochs", "1"),
            "aru", Map.of("aru.epochs", "1", "aru.attackSteps", "1"),
            "amun", Map.of("amun.epochs", "1", "amun.attackSteps", "1"));

    @TempDir
    static Path dir;
    static Store template;
    static DatasetRef.Loaded data;

    @BeforeAll
    static void trainOneSmallModel() throws Exception {
        data = REF.load();
        template = TrainService.train(dir.resolve("template"), data, ModelSpec.parse("mlp:32", new int[]{64}, 10),
                new TrainConfig(3, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42), Device.cpu(), TrainListener.NONE).store();
    }

    /** A method that records the data each run was given and otherwise is {@code inner}. */
    private record Recording<O extends Record>(UnlearningMethod<O> inner, List<UnlearningData> seen) implements UnlearningMethod<O> {
        Recording(UnlearningMethod<O> inner) {
            this(inner, new ArrayList<>());
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public String summary() {
            return inner.summary();
        }

        @Override
        public Guarantee guarantee() {
            return inner.guarantee();
        }

        @Override
        public O defaults() {
            return inner.defaults();
        }

        @Override
        public Class<O> optionsType() {
            return inner.optionsType();
        }

        @Override
        public Optional<Prepared> prepare(ModelHandle original, RecordSet training, UnlearningContext context, O options) {
            return inner.prepare(original, training, context, options);
        }

        @Override
        public TrainingHook trainingHook() {
            return inner.trainingHook();
        }

        @Override
        public ModelHandle unlearn(ModelHandle original, UnlearningData data, UnlearningContext context, O options) {
            seen.add(data);
            return inner.unlearn(original, data, context, options);
        }
    }

    private static Set<String> idsOf(RecordSet... sets) {
        Set<String> ids = new HashSet<>();
        for (RecordSet s : sets) {
            if (s != null) {
                ids.addAll(s.ids());
            }
        }
        return ids;
    }

    private static Set<String> idsOfSubject(String subject) {
        Set<String> ids = new HashSet<>();
        for (RecordSet s : new RecordSet[]{data.train(), data.test()}) {
            for (int i = 0; i < s.size(); i++) {
                if (subject.equals(s.subject(i))) {
                    ids.add(s.id(i));
                }
            }
        }
        return ids;
    }

    private static int trainRecordsOf(String subject) {
        return RecordSelector.positions(data.train(), ForgetKind.SUBJECTS, List.of(subject)).size();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"retrain", "finetune", "grad-diff", "kl", "scrub", "salun", "prune-finetune", "layer-reset", "noise", "rmu",
            "amun", "aru"})
    void aSecondRequestNeverSeesThePersonTheFirstForgot(String methodName) throws Exception {
        Store store = template.copyTo(dir.resolve("seq-" + methodName));
        Recording<?> method = new Recording<>(UnlearningMethods.get(methodName));
        Map<String, String> fast = FAST.getOrDefault(methodName, Map.of());

        // When person A and then person B are forgotten one after the other
        var first = UnlearnService.unlearn(store, method, fast, ForgetKind.SUBJECTS, List.of(FIRST), 1, Device.cpu(), TrainListener.NONE);
        var second = UnlearnService.unlearn(store, method, fast, ForgetKind.SUBJECTS, List.of(SECOND), 2, Device.cpu(), TrainListener.NONE);

        // Then the second run saw none of A's records: not to forget, not to retain, not to validate on
        assertThat(method.seen()).hasSize(2);
        UnlearningData secondData = method.seen().get(1);
        Set<String> personA = idsOfSubject(FIRST);
        assertThat(personA).isNotEmpty();
        assertThat(idsOf(secondData.forget(), secondData.retain(), secondData.validation())).doesNotContainAnyElementsOf(personA);
        assertThat(secondData.forget().size()).isEqualTo(trainRecordsOf(SECOND));
        assertThat(secondData.retain().size()).isEqualTo(data.train().size() - trainRecordsOf(FIRST) - trainRecordsOf(SECOND));
        // and each receipt states the retain set it used and what earlier requests left out
        assertThat(first.receipt().retainRecords()).isEqualTo(data.train().size() - trainRecordsOf(FIRST));
        assertThat(first.receipt().excludedEarlier()).isEqualTo(0);
        assertThat(second.receipt().retainRecords()).isEqualTo(secondData.retain().size());
        assertThat(second.receipt().excludedEarlier()).isEqualTo(trainRecordsOf(FIRST));
        // and no model file trained on either person remains: versions 1 and 2 were purged, and the receipts say so
        assertThat(first.purged()).containsExactly("models/model-v1.lethe-model");
        assertThat(second.purged()).containsExactly("models/model-v2.lethe-model");
        assertThat(second.receipt().purged()).isEqualTo(List.of("models/model-v2.lethe-model"));
        try (var files = Files.list(store.modelsDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("model-v3.lethe-model");
        }
        assertThat(StoreAudit.run(store).passed()).isTrue();
    }

    @Test
    void theStoreLeavesForgottenRecordsOutOfItsDataAndAForgottenPersonMatchesNothingAgain() throws Exception {
        Store store = template.copyTo(dir.resolve("again"));
        UnlearningMethod<?> method = UnlearningMethods.get("kl");
        UnlearnService.unlearn(store, method, Map.of(), ForgetKind.SUBJECTS, List.of(FIRST), 1, Device.cpu(), TrainListener.NONE);

        // the person's training and held-out rows are tombstoned and out of the data every command loads
        StoreManifest manifest = store.readManifest();
        assertThat(manifest.tombstones()).hasSize(idsOfSubject(FIRST).size());
        var current = dev.lethe.torch.service.StoredModel.loadData(store);
        assertThat(idsOf(current.train(), current.test())).doesNotContainAnyElementsOf(idsOfSubject(FIRST));
        assertThatThrownBy(() -> UnlearnService.unlearn(store, method, Map.of(), ForgetKind.SUBJECTS, List.of(FIRST), 1, Device.cpu(),
                TrainListener.NONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to unlearn")
                .hasMessageContaining("earlier requests forgot are left out");
    }

    @Test
    void keepPreviousKeepsTheEarlierModelUntilAnErasurePurgesEverything() throws Exception {
        Store store = template.copyTo(dir.resolve("keep"));
        UnlearningMethod<?> method = UnlearningMethods.get("kl");
        // a repair that keeps the earlier version, named in the receipt
        var repair = UnlearnService.unlearn(store, method, Map.of(), ForgetKind.LABEL, List.of("3"), 1,
                new UnlearnService.Terms(true, false, java.util.OptionalDouble.empty()), Device.cpu(), TrainListener.NONE);
        assertThat(repair.receipt().keepPrevious()).isTrue();
        assertThat(repair.receipt().purged()).isEqualTo(List.of());
        assertThat(store.root().resolve("models/model-v1.lethe-model")).isRegularFile();
        AuditReport kept = StoreAudit.run(store);
        assertThat(kept.passed()).isTrue();
        assertThat(kept.checks().get(1).detail()).contains("1 earlier version(s) kept explicitly");

        // a file no version justifies (a crash after the switch, before the purge) fails the audit and the next run removes it
        Files.writeString(store.root().resolve("models/model-v9.lethe-model"), "left by a crashed run");
        AuditReport pending = StoreAudit.run(store);
        assertThat(pending.passed()).isFalse();
        assertThat(pending.checks().get(1).detail()).contains("models/model-v9.lethe-model").contains("the next 'lethe unlearn'");

        // an erasure then deletes every earlier version (the kept one too) and the leftover
        var erasure = UnlearnService.unlearn(store, method, Map.of(), ForgetKind.SUBJECTS, List.of(SECOND), 1, Device.cpu(), TrainListener.NONE);
        assertThat(erasure.purged()).containsExactlyInAnyOrder("models/model-v9.lethe-model", "models/model-v1.lethe-model",
                "models/model-v2.lethe-model");
        assertThat(store.root().resolve("models/model-v1.lethe-model")).doesNotExist();
        assertThat(StoreAudit.run(store).passed()).isTrue();

        // an edited manifest that dropped the tombstones fails the audit
        store.writeManifest(store.readManifest().withTombstones(List.of()));
        AuditReport dropped = StoreAudit.run(store);
        assertThat(dropped.passed()).isFalse();
        assertThat(dropped.checks().get(2).detail()).contains("forgotten records could come back");
    }

    @Test
    void certifiedRemovalAfterARetrainingNeverSeesThePersonForgottenBefore() throws Exception {
        Path root = dir.resolve("certified");
        TrainConfig logreg = new TrainConfig(60, 4096, OptimizerKind.ADAM, 1e-2f, 0f, 0.1f, 42);
        ModelSpec spec = ModelSpec.parse("logreg", new int[]{64}, 10);
        Store store = TrainService.train(root, data, spec, logreg, 10, false, Device.cpu(), TrainListener.NONE).store();
        UnlearnService.unlearn(store, UnlearningMethods.get(CertifiedRemoval.NAME), Map.of(), ForgetKind.SUBJECTS, List.of(FIRST), 1,
                Device.cpu(), TrainListener.NONE);
        assertThat(root.resolve("models/model-v1.lethe-model.certified")).as("the purge takes a version's side files").doesNotExist();

        // training again into the store is refused without --replace, naming what would be lost
        assertThatThrownBy(() -> TrainService.train(root, data, spec, logreg, 10, false, Device.cpu(), TrainListener.NONE))
                .isInstanceOf(StoreException.class).hasMessageContaining("erasure history")
                .hasMessageContaining(idsOfSubject(FIRST).size() + " tombstone(s)").hasMessageContaining("--replace");
        // with --replace the tombstones carry over and the person stays out of the new training
        var retrained = TrainService.train(root, data, spec, logreg, 10, true, Device.cpu(), TrainListener.NONE);
        assertThat(retrained.excludedEarlier()).isEqualTo(idsOfSubject(FIRST).size());
        assertThat(retrained.manifest().dataset().trainRecords()).isEqualTo(data.train().size() - trainRecordsOf(FIRST));
        assertThat(retrained.manifest().tombstones()).hasSize(idsOfSubject(FIRST).size());

        // certified removal of another person then computes its Hessian over a retain set without the first
        Recording<?> certified = new Recording<>(new CertifiedRemoval());
        var second = UnlearnService.unlearn(retrained.store(), certified, Map.of(), ForgetKind.SUBJECTS, List.of(SECOND), 1, Device.cpu(),
                TrainListener.NONE);
        assertThat(idsOf(certified.seen().get(0).retain(), certified.seen().get(0).forget())).doesNotContainAnyElementsOf(idsOfSubject(FIRST));
        assertThat(second.receipt().excludedEarlier()).isEqualTo(trainRecordsOf(FIRST));
        assertThat(StoreAudit.run(retrained.store()).passed()).isTrue();
    }
}
