package dev.lethe.core.data.catalog;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.registry.Registry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataSourcesTest {

    /** A source defined only here: ten records of two classes, every feature equal to the record's index. */
    private static final class CountingSource implements DataSource {
        @Override
        public String name() {
            return "counting";
        }

        @Override
        public String description() {
            return "ten counted records (a test plug-in)";
        }

        @Override
        public LoadedDataset read(DatasetRef ref) {
            String[] ids = new String[10];
            float[] features = new float[10];
            int[] labels = new int[10];
            for (int i = 0; i < 10; i++) {
                ids[i] = "n" + i;
                features[i] = i;
                labels[i] = i % 2;
            }
            return new LoadedDataset(new RecordSet("counting", ids, null, features, labels, new int[]{1}, List.of("even", "odd")), null);
        }
    }

    @Test
    void theCatalogueCsvAndTheTextSourcesAreTheBuiltInSources() {
        assertThat(DataSources.all()).extracting(DataSource::name)
                .containsExactly("digits", "breast-cancer", "mnist", "cifar10", "location", "adult", "csv", "parquet", "images", "tofu", "tinyshakespeare");
        assertThatThrownBy(() -> DataSources.get("minst")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown data set 'minst'; known: digits, breast-cancer, mnist, cifar10, location, adult, csv, parquet, images, tofu, tinyshakespeare");
    }

    @Test
    void aSourceDefinedOutsideTheRegistryIsListedAndLoadsThroughADatasetRef() throws Exception {
        // Given a toy source registered from test code
        try (Registry.Registration ignored = DataSources.register(new CountingSource())) {
            // When a reference names it
            DatasetRef.Loaded loaded = new DatasetRef("counting", null, null, null, null, null, 0, 0.2, 0, 0, 7).load();
            // Then it is listed after the built-ins, and its records are split like any other source's
            assertThat(DataSources.all()).extracting(DataSource::name).endsWith("tinyshakespeare", "counting");
            assertThat(loaded.train().size() + loaded.test().size()).isEqualTo(10);
            assertThat(loaded.test().size()).isEqualTo(2);
        }
        assertThat(DataSources.all()).extracting(DataSource::name).doesNotContain("counting");
    }
}
