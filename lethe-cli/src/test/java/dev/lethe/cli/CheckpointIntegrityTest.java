package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.sisa.TrainingDataFile;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SISA checkpoint with flipped bytes on disk (docs/ARCHITECTURE.md#the-store-and-its-invariants, invariant 3): predict, eval and forget refuse it
 * (exit 3, naming the shard and the file, suggesting {@code lethe repair}); {@code lethe repair} recomputes it bit
 * for bit from the stored data, and the audit passes again.
 */
class CheckpointIntegrityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FEATURES = String.join(",", java.util.Collections.nCopies(64, "3"));

    @TempDir
    static Path dir;
    static Path template;

    @BeforeAll
    static void trainAStore() {
        template = dir.resolve("template");
        Cli.trainSmallSisa(template, 3, 2, "mlp:32");
    }

    /** Flips three bytes in the middle of {@code file}, as a disk or a copy might. */
    static void flipThreeBytes(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < 3; i++) {
            bytes[bytes.length / 2 + 97 * i] ^= (byte) 0x5a;
        }
        Files.write(file, bytes);
    }

    /** The checkpoint file of (shard, slice) named by the manifest's digests. */
    static Path checkpoint(Path store, int shard, int slice) throws Exception {
        JsonNode digests = JSON.readTree(store.resolve("manifest.json").toFile()).get("checkpointDigests");
        String prefix = String.format("shard-%03d/slice-%03d-", shard, slice);
        for (var it = digests.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.startsWith(prefix)) {
                return store.resolve("checkpoints").resolve(name);
            }
        }
        throw new AssertionError("no checkpoint " + prefix + " in the manifest");
    }

    /** The shard that holds a subject's records. */
    static int shardOf(Path store, String subject) throws Exception {
        JsonNode files = JSON.readTree(store.resolve("manifest.json").toFile()).at("/dataFiles/shards");
        for (int s = 0; s < files.size(); s++) {
            if (Arrays.asList(TrainingDataFile.readMetadata(store.resolve(files.get(s).asText())).subjects()).contains(subject)) {
                return s;
            }
        }
        throw new AssertionError(subject + " is in no shard");
    }

    @Test
    void aDamagedFinalCheckpointIsRefusedByPredictEvalAndForgetAndRepairedBitForBit() throws Exception {
        Path store = Store.open(template).copyTo(dir.resolve("final")).root();
        int victim = (shardOf(store, "subject-7") + 1) % 3;
        Path file = checkpoint(store, victim, 2);
        byte[] original = Files.readAllBytes(file);
        String relative = store.relativize(file).toString();

        // Given a final checkpoint of a shard that does not hold subject-7, with three bytes flipped
        flipThreeBytes(file);

        // Then every command that would use it refuses, naming the shard and the file and the way out
        for (String[] args : new String[][]{
                {"predict", "--store", store.toString(), "--features", FEATURES},
                {"eval", "--store", store.toString()},
                {"forget", "--store", store.toString(), "--subject", "subject-7"}}) {
            Cli r = Cli.run(args);
            assertThat(r.exitCode()).as(args[0] + ": " + r.out() + r.err()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
            assertThat(r.err()).as(args[0]).contains("shard " + victim).contains(relative).contains("is damaged")
                    .contains("lethe repair --store");
        }
        assertThat(JSON.readTree(store.resolve("manifest.json").toFile()).get("currentVersion").asInt())
                .as("the forget published nothing on top of the damaged checkpoint").isEqualTo(1);
        Cli audit = Cli.run("audit", "--store", store.toString());
        assertThat(audit.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);

        // When it is repaired
        Cli repaired = Cli.run("repair", "--store", store.toString());
        assertThat(repaired.exitCode()).as(repaired.err()).isZero();
        assertThat(repaired.out()).contains("recomputed 1").contains("shard " + victim + " slice 2 (damaged)");

        // Then the file is bit-identical to the original, predictions work, and the audit finds only the request
        // the refused forget left pending (durable since it was accepted), which a resume now finishes
        assertThat(Files.readAllBytes(file)).isEqualTo(original);
        assertThat(Cli.run("predict", "--store", store.toString(), "--features", FEATURES).exitCode()).isZero();
        Cli pending = Cli.run("audit", "--store", store.toString());
        assertThat(pending.out()).contains("[ok] every checkpoint matches its digest").contains("1 request(s) not finished");
        Cli resumed = Cli.run("forget", "--store", store.toString(), "--resume");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        Cli after = Cli.run("audit", "--store", store.toString());
        assertThat(after.exitCode()).as(after.out()).isZero();
    }

    @Test
    void intermediateCheckpointsAreVerifiedWhenARetrainStartsFromThemAndRepairedWhenMissing() throws Exception {
        Path store = Store.open(template).copyTo(dir.resolve("middle")).root();
        int shard = shardOf(store, "subject-7");
        Path first = checkpoint(store, shard, 0);
        Path second = checkpoint(store, shard, 1);
        byte[] firstBytes = Files.readAllBytes(first);
        byte[] secondBytes = Files.readAllBytes(second);
        byte[] finalBytes = Files.readAllBytes(checkpoint(store, shard, 2));

        // Given slice 0 of subject-7's shard damaged and slice 1 missing
        flipThreeBytes(first);
        Files.delete(second);

        // Then the audit names both
        Cli audit = Cli.run("audit", "--store", store.toString(), "--json");
        assertThat(audit.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(audit.out()).contains(store.relativize(first).toString().substring("checkpoints/".length()) + " (shard " + shard + ") is damaged")
                .contains("(shard " + shard + ") is missing");

        // When the store is repaired
        Cli repaired = Cli.run("repair", "--store", store.toString(), "--json");
        assertThat(repaired.exitCode()).as(repaired.err()).isZero();
        JsonNode doc = JSON.readTree(repaired.out());
        assertThat(doc.get("repaired")).hasSize(2);

        // Then both are bit-identical again, the final one was reused, and the audit passes
        assertThat(Files.readAllBytes(first)).isEqualTo(firstBytes);
        assertThat(Files.readAllBytes(second)).isEqualTo(secondBytes);
        assertThat(Files.readAllBytes(checkpoint(store, shard, 2))).isEqualTo(finalBytes);
        assertThat(Cli.run("audit", "--store", store.toString()).exitCode()).isZero();
        assertThat(Cli.run("repair", "--store", store.toString()).out()).contains("nothing to repair");
    }

    @Test
    void aForgetRefusesToRetrainFromADamagedIntermediateCheckpoint() throws Exception {
        Path store = Store.open(template).copyTo(dir.resolve("retrain-start")).root();
        // Given a record in the last slice of shard 0: its forget retrains from slice 1's checkpoint
        JsonNode files = JSON.readTree(store.resolve("manifest.json").toFile()).at("/dataFiles/shards");
        TrainingDataFile.Metadata m = TrainingDataFile.readMetadata(store.resolve(files.get(0).asText()));
        int at = 0;
        while (m.slices()[at] != 2) {
            at++;
        }
        String record = m.ids().get(at);
        int shard = 0;
        Path start = checkpoint(store, shard, 1);
        flipThreeBytes(start);

        // Then the forget refuses to start from it, and publishes nothing
        Cli forget = Cli.run("forget", "--store", store.toString(), "--record", record);
        assertThat(forget.exitCode()).as(forget.out() + forget.err()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(forget.err()).contains(store.relativize(start).toString()).contains("shard " + shard + " (slice 1) is damaged");
        assertThat(JSON.readTree(store.resolve("manifest.json").toFile()).get("currentVersion").asInt()).isEqualTo(1);
    }
}
