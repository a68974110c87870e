package dev.lethe.torch.sisa;

import ai.djl.Device;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.ledger.RequestStatus;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A SISA store of a language model, end to end on disk: the store records its tokenizer and the task's metrics, a forget
 * request by author reaches done with its receipt and audit, and the served checkpoints are then byte for byte those of a
 * store trained without the author.
 */
class SisaLanguageModelStoreTest {

    private static final String AUTHOR = AuthorQa.AUTHORS.get(2);

    private static SisaService.Outcome train(Path dir, DatasetRef.Loaded data) throws Exception {
        return SisaService.train(dir, data, SisaTokenExactnessTest.CONFIG, false, ShardExecutors.local(), ByteTokenizer.INSTANCE,
                Device.cpu(), TrainListener.NONE, e -> {
                });
    }

    private static RecordSet without(RecordSet records, String author) {
        return records.filter(records.name(), i -> !author.equals(records.subject(i)));
    }

    @Test
    void forgettingAnAuthorReachesDoneAndServesWhatTrainingWithoutTheAuthorServes(@TempDir Path dir) throws Exception {
        DatasetRef.Loaded data = AuthorQa.loaded();
        SisaService.Outcome trained = train(dir.resolve("store"), data);
        Store store = trained.store();

        // The store records its tokenizer and the language model's metrics, not a classifier's
        StoreManifest manifest = store.readManifest();
        assertThat(manifest.dataset().tokenizer()).isEqualTo(ByteTokenizer.NAME);
        assertThat(manifest.dataset().classNames()).isEmpty();
        assertThat(manifest.current().metrics()).containsKeys("testTokenLoss", "testPerplexity", "trainSeconds")
                .doesNotContainKey("testAccuracy");
        assertThat(trained.testMetrics().task()).isEqualTo("next-token");
        assertThat(trained.testMetrics().value("token-loss")).isLessThan(Math.log(256));
        assertThat(SisaService.tokenizer(manifest)).isSameAs(ByteTokenizer.INSTANCE);

        // And a language-model store has no classes to forget
        ForgetService service = new ForgetService(store, Device.cpu());
        assertThatThrownBy(() -> service.accept(new RequestSpec(ForgetKind.LABEL, List.of("0"), null, null), "tester"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no classes: forget by record id or by subject");

        // When the author is forgotten
        var request = service.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of(AUTHOR), null, null), "tester");
        Receipt receipt = service.process().get(0);

        // Then the request is done, every row of the author went, from one shard's retraining
        assertThat(receipt.matchedTrainRecords()).isEqualTo(3);
        assertThat(receipt.matchedTestRecords()).isEqualTo(1);
        assertThat(receipt.retrained()).hasSize(1);
        assertThat(receipt.modelVersion()).isEqualTo(2);
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            assertThat(ledger.find(request.id()).orElseThrow().status()).isEqualTo(RequestStatus.DONE);
        }
        assertThat(SisaService.loadTraining(store).size()).isEqualTo(data.train().size() - 3);
        assertThat(StoreAudit.run(store).passed()).isTrue();

        // And the served checkpoints are the bytes a store trained without the author serves
        Store fresh = train(dir.resolve("fresh"), new DatasetRef.Loaded(data.ref(), without(data.train(), AUTHOR),
                without(data.test(), AUTHOR), data.fingerprint())).store();
        assertThat(store.readManifest().currentSisa().checkpoints()).isEqualTo(fresh.readManifest().currentSisa().checkpoints());
        assertThat(store.readManifest().currentSisa().checkpointSha256())
                .isEqualTo(fresh.readManifest().currentSisa().checkpointSha256());

        // And an author the store never held changes nothing, and says so
        service.accept(new RequestSpec(ForgetKind.SUBJECTS, List.of("Nobody Known"), null, null), "tester");
        Receipt nothing = service.process().get(0);
        assertThat(nothing.changedAnything()).isFalse();
        assertThat(nothing.outcome()).contains("no data held about this subject");
        assertThat(store.readManifest().currentVersion()).isEqualTo(2);
    }

    @Test
    void tokenDataNeedsTheTokenizerItsIdsCameFromAndMixesDistributions(@TempDir Path dir) {
        DatasetRef.Loaded data = AuthorQa.loaded();
        assertThatThrownBy(() -> SisaService.train(dir.resolve("none"), data, SisaTokenExactnessTest.CONFIG, Device.cpu(),
                TrainListener.NONE, e -> {
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds token sequences: name the tokenizer their ids came from");
        SisaConfig wrongVocabulary = new SisaConfig(SisaTokenExactnessTest.CONFIG.plan(), dev.lethe.torch.model.ModelSpec.parse("tiny-lm:8",
                new int[]{4}, 100), SisaTokenExactnessTest.CONFIG.train(), Aggregation.MEAN_SOFTMAX, 2);
        assertThatThrownBy(() -> SisaService.train(dir.resolve("vocabulary"), data, wrongVocabulary, false, ShardExecutors.local(),
                ByteTokenizer.INSTANCE, Device.cpu(), TrainListener.NONE, e -> {
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer 'bytes' has 256 token ids but model tiny-lm:8 predicts 100");
        SisaConfig vote = new SisaConfig(SisaTokenExactnessTest.CONFIG.plan(), AuthorQa.TINY_LM, SisaTokenExactnessTest.CONFIG.train(),
                Aggregation.MAJORITY_VOTE, 2);
        assertThatThrownBy(() -> SisaService.train(dir.resolve("vote"), data, vote, false, ShardExecutors.local(),
                ByteTokenizer.INSTANCE, Device.cpu(), TrainListener.NONE, e -> {
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use the softmax aggregation");
        assertThat(dir.resolve("none")).doesNotExist();
        assertThat(dir.resolve("vote")).doesNotExist();
    }
}
