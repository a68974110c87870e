package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --engine} and {@code --master} on the command line: a SISA store trained and forgotten on Spark
 * ({@code local[2]}) holds the checkpoints of one trained and forgotten with {@code --engine local}, and audits clean.
 */
class SparkEngineCommandTest {

    @Test
    void trainForgetAndAuditWithTheSparkEngineGiveTheLocalEnginesStore(@TempDir Path dir) throws Exception {
        // Given a store trained with the local engine and one trained with Spark
        Path local = dir.resolve("local");
        Path spark = dir.resolve("spark");
        Cli localTrain = train(local, "--engine", "local");
        Cli sparkTrain = train(spark, "--engine", "spark", "--master", "local[2]");
        assertThat(localTrain.exitCode()).as(localTrain.err()).isZero();
        assertThat(sparkTrain.exitCode()).as(sparkTrain.err()).isZero();
        assertThat(sparkTrain.out()).contains("6 checkpoints (engine spark on local[2])");

        // When the same person is forgotten from both, each through its engine
        String person = firstSubject(local);
        Cli localForget = Cli.run("forget", "--store", local.toString(), "--subject", person, "--engine", "local");
        Cli sparkForget = Cli.run("forget", "--store", spark.toString(), "--subject", person, "--engine", "spark", "--master", "local[2]");
        assertThat(localForget.exitCode()).as(localForget.err()).isZero();
        assertThat(sparkForget.exitCode()).as(sparkForget.err()).isZero();
        assertThat(sparkForget.out()).contains("engine    spark on local[2]").contains("shard ").contains("model version 2");

        // Then every checkpoint and the manifests' records of them are the same, and the Spark-built store audits clean
        assertThat(checkpointFiles(spark)).isEqualTo(checkpointFiles(local)).hasSize(6);
        JsonNode a = manifest(spark);
        JsonNode b = manifest(local);
        assertThat(a.path("checkpointDigests")).isEqualTo(b.path("checkpointDigests"));
        assertThat(a.path("checkpointDigests").size()).isEqualTo(6);
        Cli audit = Cli.run("audit", "--store", spark.toString());
        assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
    }

    @Test
    void aServerWhoseWorkerRetrainsOnSparkForgetsAPersonAsTheLocalEngineDoes(@TempDir Path dir) throws Exception {
        // Given two copies of one store: one served with --engine spark, the other forgotten from with the local engine
        Path served = dir.resolve("served");
        Cli trained = train(served, "--engine", "local");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path local = Store.open(served).copyTo(dir.resolve("local")).root();
        String person = firstSubject(served);
        Cli created = Cli.run("tokens", "create", "--store", served.toString(), "--name", "ops", "--role", "admin", "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String token = Store.json().readTree(created.out()).get("token").asText();
        List<String> jvm = new java.util.ArrayList<>(List.of(dev.lethe.spark.SparkJavaOptions.FLAGS.split(" ")));
        jvm.add("-Dai.djl.pytorch.num_threads=2");
        ServeChild server = ServeChild.serve(served, jvm, List.of("--engine", "spark", "--master", "local[2]"));
        try {
            // When the person's erasure is asked of the server
            var accepted = server.send("POST", "/v1/forget-requests", token, "{\"subjectIds\": [\"" + person + "\"]}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = Store.json().readTree(accepted.body()).get("id").asText();
            long end = System.nanoTime() + 120_000_000_000L;
            String status = "queued";
            while (!status.equals("done") && System.nanoTime() < end) {
                Thread.sleep(200);
                status = Store.json().readTree(server.send("GET", "/v1/forget-requests/" + id, token, null).body()).get("status").asText();
            }
            // Then its worker retrained on Spark, and the store is the one the local engine makes
            assertThat(status).as(server.output().toString()).isEqualTo("done");
            assertThat(server.output().toString()).contains("shards retrain on engine spark on local[2]");
        } finally {
            server.process().destroy();
            server.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        Cli forgot = Cli.run("forget", "--store", local.toString(), "--subject", person);
        assertThat(forgot.exitCode()).as(forgot.err()).isZero();
        assertThat(checkpointFiles(served)).isEqualTo(checkpointFiles(local)).hasSize(6);
        assertThat(manifest(served).path("checkpointDigests")).isEqualTo(manifest(local).path("checkpointDigests"));
    }

    @Test
    void anUnknownEngineIsBadUsageThatListsTheEngines(@TempDir Path dir) {
        Cli cli = train(dir.resolve("store"), "--engine", "flink");
        assertThat(cli.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("unknown engine 'flink'").contains("local, spark");
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void aMasterWithoutTheSparkEngineIsBadUsage(@TempDir Path dir) {
        Cli cli = train(dir.resolve("store"), "--master", "local[2]");
        assertThat(cli.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("--master names a Spark master: use it with --engine spark");
    }

    private static Cli train(Path store, String... engine) {
        String[] base = {"train", "--sisa", "--shards", "3", "--slices", "2", "--assign", "subject", "--subjects", "60", "--epochs", "1",
                "--model", "mlp:16", "--threads", "2", "--store", store.toString()};
        String[] args = new String[base.length + engine.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(engine, 0, args, base.length, engine.length);
        return Cli.run(args);
    }

    private static String firstSubject(Path store) throws IOException {
        return dev.lethe.core.sisa.TrainingDataFile.read(store.resolve("data/shard-001-v1.bin")).records().subject(0);
    }

    private static JsonNode manifest(Path store) throws IOException {
        return Store.json().readTree(Files.readString(store.resolve("manifest.json")));
    }

    private static Map<String, String> checkpointFiles(Path store) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        Path root = store.resolve("checkpoints");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                digests.put(root.relativize(f).toString(), Store.sha256(f));
            }
        }
        return digests;
    }
}
