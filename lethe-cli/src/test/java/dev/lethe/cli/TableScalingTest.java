package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code --scale}: a user's table is z-scored with its training side's statistics when Lethe trains one model of its own
 * on it, and kept as it is for a SISA store (its exact guarantee) unless asked; the statistics live in the store's encoding,
 * so {@code predict} takes the file's raw values. The option is refused where it cannot apply.
 */
class TableScalingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path table;

    @BeforeAll
    static void aTableWithColumnsOfVeryDifferentRanges() throws Exception {
        // a centroid in 0..250 beside a density near 0.01, as the image-segmentation table has them
        StringBuilder rows = new StringBuilder("id,centroid,density,label\n");
        for (int i = 0; i < 240; i++) {
            int centroid = (i * 37) % 250;
            double density = 0.002 * (i % 11);
            rows.append("r").append(i).append(',').append(centroid).append(',').append(String.format(Locale.ROOT, "%.3f", density))
                    .append(',').append(centroid > 125 ? "high" : density > 0.01 ? "dense" : "low").append('\n');
        }
        table = Files.writeString(dir.resolve("table.csv"), rows);
    }

    @Test
    void oneModelOfLethesOwnTrainsOnZScoresAndPredictTakesRawValues() throws Exception {
        Path store = dir.resolve("scaled");
        Cli trained = train(store);
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        JsonNode manifest = JSON.readTree(store.resolve("manifest.json").toFile());
        assertThat(manifest.at("/dataset/source/scaling").asText()).isEqualTo("standard");
        JsonNode centroid = manifest.at("/dataset/encoding/columns/0");
        assertThat(centroid.get("name").asText()).isEqualTo("centroid");
        double mean = centroid.get("offset").asDouble();
        double scale = centroid.get("scale").asDouble();
        assertThat(mean).isBetween(100.0, 150.0);
        assertThat(1 / scale).as("the centroid's deviation").isBetween(50.0, 100.0);
        JsonNode density = manifest.at("/dataset/encoding/columns/1");

        // a raw row answers as its z-scores do
        String raw = "200,0.004";
        String encoded = String.format(Locale.ROOT, "%s,%s", (200 - mean) * scale,
                (0.004 - density.get("offset").asDouble()) * density.get("scale").asDouble());
        JsonNode fromRaw = JSON.readTree(Cli.run("predict", "--store", store.toString(), "--features", raw, "--json").out());
        JsonNode fromEncoded = JSON.readTree(Cli.run("predict", "--store", store.toString(), "--features", encoded, "--encoded", "--json").out());
        JsonNode p = fromRaw.at("/predictions/0/probabilities");
        JsonNode q = fromEncoded.at("/predictions/0/probabilities");
        assertThat(p.size()).isEqualTo(3);
        for (int k = 0; k < 3; k++) {
            assertThat(p.get(k).asDouble()).isCloseTo(q.get(k).asDouble(), within(1e-5));
        }

        Cli none = train(dir.resolve("raw"), "--scale", "none");
        assertThat(none.exitCode()).as(none.err()).isZero();
        JsonNode rawManifest = JSON.readTree(dir.resolve("raw").resolve("manifest.json").toFile());
        assertThat(rawManifest.at("/dataset/source").has("scaling")).isFalse();
        assertThat(rawManifest.at("/dataset/encoding/columns/0/offset").asDouble()).isZero();
    }

    @Test
    void aSisaStoreKeepsTheFilesValuesUnlessAsked() throws Exception {
        Path plain = dir.resolve("sisa");
        Cli sisa = train(plain, "--sisa", "--shards", "2", "--slices", "1");
        assertThat(sisa.exitCode()).as(sisa.err()).isZero();
        assertThat(JSON.readTree(plain.resolve("manifest.json").toFile()).at("/dataset/source").has("scaling")).isFalse();
        Path asked = dir.resolve("sisa-scaled");
        Cli scaled = train(asked, "--sisa", "--shards", "2", "--slices", "1", "--scale", "standard");
        assertThat(scaled.exitCode()).as(scaled.err()).isZero();
        assertThat(JSON.readTree(asked.resolve("manifest.json").toFile()).at("/dataset/source/scaling").asText()).isEqualTo("standard");
    }

    @Test
    void theOptionIsRefusedWhereItCannotApply() {
        Cli digits = Cli.run("train", "--store", dir.resolve("d").toString(), "--scale", "standard", "--epochs", "1");
        assertThat(digits.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(digits.err()).contains("--scale applies to --dataset csv or parquet").contains("'digits'");
        Cli unknown = train(dir.resolve("u"), "--scale", "minmax");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("--scale must be standard or none, got 'minmax'");
        assertThat(dir.resolve("d")).doesNotExist();
        assertThat(dir.resolve("u")).doesNotExist();
    }

    private static Cli train(Path store, String... more) {
        String[] base = {"train", "--store", store.toString(), "--dataset", "csv", "--data", table.toString(), "--header", "--id-column", "id",
                "--label-column", "label", "--model", "mlp:16", "--epochs", "3"};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }
}
