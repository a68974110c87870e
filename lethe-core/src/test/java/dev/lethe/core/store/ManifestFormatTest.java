package dev.lethe.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The typed manifest reads what earlier Lethe wrote and writes it back unchanged. The manifests under
 * {@code src/test/resources/manifests/} were written by the code before the manifest was typed: a single
 * model after two unlearning runs (one keeping the previous version), a certified removal with its
 * prepared state and report, a retraining that carried tombstones, a SISA store after a forget, a SISA
 * retraining that carried tombstones, and an older single-model store whose receipts lack the keys added
 * with tombstones ({@code excludedEarlier}, {@code tombstoned}, {@code keepPrevious}).
 */
class ManifestFormatTest {

    private static final ObjectMapper JSON = Store.json();

    private static JsonNode resource(String name) throws IOException {
        try (InputStream in = ManifestFormatTest.class.getResourceAsStream("/manifests/" + name)) {
            return JSON.readTree(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"single.json", "cert.json", "replaced.json", "sisa.json", "sisa-replaced.json", "single-old.json"})
    void aManifestWrittenBeforeTheTypesReadsAndWritesBackTheSameJson(String name) throws IOException {
        // Given a manifest written by the untyped code
        JsonNode written = resource(name);

        // When it is read as a StoreManifest and written again
        StoreManifest manifest = JSON.treeToValue(written, StoreManifest.class);
        JsonNode rewritten = JSON.readTree(JSON.writeValueAsString(manifest));

        // Then it is the same document (objects compare by keys, so the training's former hash order does not count)
        assertThat(rewritten).isEqualTo(written);
    }

    @Test
    void aClassifierManifestHasNoTokenizerAndATokenStoreKeepsItsOwn() throws IOException {
        // Given a classifier's SISA manifest written before tokenizers were recorded
        JsonNode written = resource("sisa.json");
        StoreManifest classifier = JSON.treeToValue(written, StoreManifest.class);

        // Then it reads as no tokenizer, and writes no tokenizer key back
        assertThat(classifier.dataset().tokenizer()).isNull();
        assertThat(classifier.dataset().holdsTokens()).isFalse();
        assertThat(JSON.readTree(JSON.writeValueAsString(classifier)).path("dataset").has("tokenizer")).isFalse();

        // And a language model's manifest keeps the name of its tokenizer through a round trip
        StoreManifest.DatasetInfo d = classifier.dataset();
        JsonNode withTokenizer = JSON.readTree(JSON.writeValueAsString(new StoreManifest.DatasetInfo(d.source(), d.fingerprint(),
                d.trainRecords(), d.testRecords(), List.of(), "bytes")));
        assertThat(withTokenizer.path("tokenizer").asText()).isEqualTo("bytes");
        assertThat(JSON.treeToValue(withTokenizer, StoreManifest.DatasetInfo.class).holdsTokens()).isTrue();
    }

    @Test
    void receiptKeysKeepTheirOrder() throws IOException {
        // Given a receipt as the untyped code wrote it (its keys in insertion order)
        JsonNode written = resource("cert.json").path("models").get(1).path("unlearning");

        // When it is read and written again
        UnlearningReceipt receipt = JSON.treeToValue(written, UnlearningReceipt.class);
        JsonNode rewritten = JSON.readTree(JSON.writeValueAsString(receipt));

        // Then every key comes back in the same place
        assertThat(keys(rewritten)).containsExactlyElementsOf(keys(written));
        assertThat(receipt.preparedState()).isEqualTo("loaded from models/model-v1.lethe-model.certified");
    }

    @Test
    void versionsAreTypedByWhatTheyHold() throws IOException {
        // Given a single-model store and a SISA store
        StoreManifest single = JSON.treeToValue(resource("single.json"), StoreManifest.class);
        StoreManifest sisa = JSON.treeToValue(resource("sisa.json"), StoreManifest.class);

        // Then a version with a model file is a single model, one with checkpoints a SISA ensemble
        assertThat(single.models()).allMatch(v -> v instanceof SingleModelVersion);
        assertThat(sisa.models()).allMatch(v -> v instanceof SisaModelVersion);
        assertThat(single.currentSingle().unlearning().keptPrevious()).isTrue();
        assertThat(sisa.currentSisa().matched()).hasSize(1);
    }

    @Test
    void optionalTrainingKeysDefaultWhenAbsent() throws IOException {
        // Given stores trained with and without objective perturbation and carried tombstones
        TrainingSettings plain = JSON.treeToValue(resource("sisa.json"), StoreManifest.class).training();
        TrainingSettings replaced = JSON.treeToValue(resource("replaced.json"), StoreManifest.class).training();

        // Then absent keys read as none, present ones as written
        assertThat(plain.perturbation()).isNull();
        assertThat(plain.perturbationOrZero()).isZero();
        assertThat(plain.carriedTombstoneCount()).isZero();
        assertThat(replaced.perturbationOrZero()).isEqualTo(1.0);
        assertThat(replaced.carriedTombstoneCount()).isEqualTo(42);
        assertThat(replaced.learningRate()).isEqualTo(0.001f);
    }

    @Test
    void anOlderReceiptCountsNoTombstonesAndKeepsNothing() throws IOException {
        // Given a receipt from before tombstones and --keep-previous
        UnlearningReceipt old = JSON.treeToValue(resource("single-old.json"), StoreManifest.class).currentSingle().unlearning();

        // Then the absent keys read as their defaults
        assertThat(old.tombstonedCount()).isZero();
        assertThat(old.keptPrevious()).isFalse();
        assertThat(old.excludedEarlier()).isNull();
    }

    private static List<String> keys(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
