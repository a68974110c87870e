package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a store has forgotten stays forgotten on the command line (issue 12 items 1–2, issue 19 item 3):
 * sequential {@code unlearn} on a single-model store leaves earlier-forgotten records out and deletes
 * the earlier model files; {@code audit} checks single-model stores; {@code train} refuses to replace a
 * store with erasure history unless {@code --replace}, and then carries its tombstones over.
 */
class StoreHistoryCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(Cli r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static String[] train(Path store, String... extra) {
        String[] base = {"train", "--store", store.toString(), "--subjects", "60", "--epochs", "3", "--model", "mlp:32"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    private static java.util.List<String> modelFiles(Path store) throws Exception {
        try (Stream<Path> files = Files.list(store.resolve("models"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSingleModelStoreForgetsForGoodAcrossRequestsAndRetraining(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("single");
        int trainRecords = json(Cli.run(train(store, "--json"))).at("/manifest/dataset/trainRecords").asInt();

        // two persons, one after the other
        JsonNode first = json(Cli.run("unlearn", "--store", store.toString(), "--method", "kl", "--subject", "subject-7", "--json"));
        int personA = first.at("/receipt/matchedRecords").asInt();
        assertThat(personA).isPositive();
        assertThat(first.at("/receipt/retainRecords").asInt()).isEqualTo(trainRecords - personA);
        assertThat(first.required("receipt").required("excludedEarlier").asInt()).isZero();
        assertThat(first.get("purged")).extracting(JsonNode::asText).containsExactly("models/model-v1.lethe-model");
        Cli second = Cli.run("unlearn", "--store", store.toString(), "--method", "kl", "--subject", "subject-11");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains(personA + " left out because earlier requests forgot them")
                .contains("deleted models/model-v2.lethe-model");
        assertThat(modelFiles(store)).containsExactly("model-v3.lethe-model");
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).as(audit.out()).isZero();
        assertThat(audit.out()).contains("[ok] no model file trained on forgotten records remains: only the current model")
                .contains("[ok] every forgotten record is tombstoned");

        // eval leaves both persons out
        int personB = JSON.readTree(store.resolve("reports/unlearn-v3.json").toFile()).at("/receipt/matchedRecords").asInt();
        JsonNode eval = json(Cli.run("eval", "--store", store.toString(), "--json"));
        assertThat(eval.at("/train/records").asInt()).isEqualTo(trainRecords - personA - personB);
        int tombstones = JSON.readTree(store.resolve("manifest.json").toFile()).get("tombstones").size();
        assertThat(eval.get("excludedEarlier").asInt()).isEqualTo(tombstones).isGreaterThanOrEqualTo(personA + personB);

        // a leftover model file fails the audit with exit 3
        Files.writeString(store.resolve("models/model-v9.lethe-model"), "left by a crashed run");
        Cli failed = Cli.run("audit", "--store", store.toString());
        assertThat(failed.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(failed.out()).contains("[FAIL] no model file trained on forgotten records remains").contains("model-v9.lethe-model");
        Files.delete(store.resolve("models/model-v9.lethe-model"));

        // training again is refused without --replace, naming what would be lost, and changes nothing
        String manifest = Files.readString(store.resolve("manifest.json"));
        Cli refused = Cli.run(train(store));
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).contains("erasure history").contains("tombstone(s)").contains("3 model version(s)").contains("--replace");
        assertThat(Files.readString(store.resolve("manifest.json"))).isEqualTo(manifest);

        // with --replace the persons stay out of the new training, and forgetting one of them again matches nothing
        Cli replaced = Cli.run(train(store, "--replace"));
        assertThat(replaced.exitCode()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("records left out: the store this one replaced had forgotten them");
        JsonNode newManifest = JSON.readTree(store.resolve("manifest.json").toFile());
        assertThat(newManifest.at("/dataset/trainRecords").asInt()).isEqualTo(trainRecords - personA - personB);
        assertThat(newManifest.get("currentVersion").asInt()).isEqualTo(1);
        Cli again = Cli.run("unlearn", "--store", store.toString(), "--method", "kl", "--subject", "subject-7");
        assertThat(again.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(again.err()).contains("nothing to unlearn");
        assertThat(Cli.run("audit", "--store", store.toString()).exitCode()).isZero();
    }

    @Test
    void aSisaStoreIsReplacedOnlyWithReplaceAndAForgottenPersonMatchesNothingAfterwards(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("sisa");
        String[] sisa = {"train", "--sisa", "--shards", "2", "--slices", "1", "--assign", "subject", "--subjects", "60", "--epochs", "1",
                "--model", "mlp:16", "--store", store.toString()};
        assertThat(Cli.run(sisa).exitCode()).isZero();
        JsonNode forgot = json(Cli.run("forget", "--store", store.toString(), "--subject", "subject-7", "--json"));
        assertThat(forgot.at("/receipts/0/matchedTrainRecords").asInt()).isPositive();

        Cli refused = Cli.run(sisa);
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).contains("1 forget request(s)").contains("--replace");

        String[] replace = java.util.Arrays.copyOf(sisa, sisa.length + 1);
        replace[sisa.length] = "--replace";
        Cli replaced = Cli.run(replace);
        assertThat(replaced.exitCode()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("records left out");
        JsonNode again = json(Cli.run("forget", "--store", store.toString(), "--subject", "subject-7", "--json"));
        assertThat(again.required("receipts").required(0).required("matchedTrainRecords").asInt()).isZero();
        assertThat(again.required("receipts").required(0).required("matchedTestRecords").asInt()).isZero();
        assertThat(Cli.run("audit", "--store", store.toString()).exitCode()).isZero();
    }
}
