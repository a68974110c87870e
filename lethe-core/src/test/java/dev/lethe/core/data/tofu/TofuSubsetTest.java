package dev.lethe.core.data.tofu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A data reference names a TOFU subset ({@code forget05+10}) so that a store trained on it loads the same subset again;
 * a reference without one is written as before.
 */
class TofuSubsetTest {

    private static DatasetRef tofu(String subset) {
        return new DatasetRef(TofuSource.NAME, "/nowhere", null, null, null, null, 0, 0.2, 0, 0, 7, subset);
    }

    @Test
    void theSubsetIsWrittenOnlyWhenThereIsOne() throws Exception {
        JsonNode with = Store.json().valueToTree(tofu(TofuSource.subsetName("forget05", 10)));
        assertThat(with.get("subset").asText()).isEqualTo("forget05+10");
        JsonNode without = Store.json().valueToTree(tofu(null));
        assertThat(without.has("subset")).isFalse();
        assertThat(Store.json().treeToValue(with, DatasetRef.class)).isEqualTo(tofu("forget05+10"));
    }

    @Test
    void aMalformedSubsetIsRefusedSayingTheForm() {
        assertThatThrownBy(() -> new TofuSource().benchmark(tofu("forget05")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'forget05' is not SPLIT+RETAIN_AUTHORS[:authors], e.g. forget01+18 or forget01+18:authors");
        assertThatThrownBy(() -> new TofuSource().benchmark(tofu("forget05+ten")))
                .hasMessageContaining("not SPLIT+RETAIN_AUTHORS");
        assertThatThrownBy(() -> tofu(" ")).hasMessageContaining("must not be blank");
    }
}
