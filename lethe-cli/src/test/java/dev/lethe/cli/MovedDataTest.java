package dev.lethe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A single-model store whose data moved is pointed at it again with --data, and refuses other data. */
class MovedDataTest {

    private static String rows(int n, int shift) {
        StringBuilder csv = new StringBuilder("id,a,b,label\n");
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            csv.append("r").append(i).append(',').append(label * 2 + (i % 5) * 0.1 + shift).append(',').append(1 - label + (i % 3) * 0.1)
                    .append(',').append(label == 0 ? "no" : "yes").append('\n');
        }
        return csv.toString();
    }

    @Test
    void dataThatMovedIsFoundWithDataAndOtherDataIsRefused(@TempDir Path tmp) throws Exception {
        Path original = Files.writeString(tmp.resolve("people.csv"), rows(60, 0));
        Path store = tmp.resolve("store");
        Cli trained = Cli.run("train", "--store", store.toString(), "--dataset", "csv", "--data", original.toString(), "--label-column",
                "label", "--id-column", "id", "--header", "--model", "logreg", "--epochs", "2");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path moved = Files.createDirectories(tmp.resolve("elsewhere")).resolve("people.csv");
        Files.move(original, moved);

        Cli lost = Cli.run("eval", "--store", store.toString());
        assertThat(lost.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(lost.err()).contains("is not at " + original + " any more").contains("pass --data with where it is now");

        Cli found = Cli.run("eval", "--store", store.toString(), "--data", moved.toString(), "--json");
        assertThat(found.exitCode()).as(found.err()).isZero();
        Cli attack = Cli.run("attack", "--store", store.toString(), "--data", moved.toString(), "--attack", "loss", "--json");
        assertThat(attack.exitCode()).as(attack.err()).isZero();

        Path other = Files.writeString(tmp.resolve("other.csv"), rows(60, 1));
        byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));
        Cli wrong = Cli.run("unlearn", "--store", store.toString(), "--data", other.toString(), "--method", "grad-ascent",
                "--record", "r1");
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(wrong.err()).contains("is not what store").contains("was trained on");
        assertThat(Files.readAllBytes(store.resolve("manifest.json"))).as("the store is unchanged").isEqualTo(manifest);
        Cli unlearned = Cli.run("unlearn", "--store", store.toString(), "--data", moved.toString(), "--method", "grad-ascent",
                "--record", "r1", "--opt", "grad-ascent.epochs=1");
        assertThat(unlearned.exitCode()).as(unlearned.err()).isZero();
    }
}
