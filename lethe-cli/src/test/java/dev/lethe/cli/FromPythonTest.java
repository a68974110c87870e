package dev.lethe.cli;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * README's "From Python", as written: a classifier trained in Python PyTorch (docs/from-python/train.py, run by Debian's
 * python3-torch) is imported with its data, a person is unlearned, the model is exported, and Python loads the export and
 * predicts what {@code lethe predict} predicts. Skips when /usr/bin/python3 cannot import torch (.ci/run installs it).
 */
class FromPythonTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPTS = Path.of("..", "docs", "from-python").toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    static Path data;
    static Path someRows;
    static Path model;

    @BeforeAll
    static void trainInPython() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && python("-c", "import torch").startsWith("ok"),
                "Debian's python3-torch is not installed (apt-get install python3-torch); the Python interop test skips");
        RecordSet digits = DatasetRef.digits(7).load().train();
        data = writeCsv(dir.resolve("people.csv"), digits, IntStream.range(0, digits.size()).toArray());
        someRows = writeCsv(dir.resolve("rows.csv"), digits, new int[]{0, 1, 2, 3, 4});
        model = dir.resolve("model.pt");
        String trained = python(SCRIPTS.resolve("train.py").toString(), data.toString(), model.toString());
        assertThat(trained).as("train.py").contains("saved");
    }

    @Test
    void aPythonModelIsImportedUnlearnedAndExportedAndPythonPredictsWhatLethePredicts() throws Exception {
        Path store = dir.resolve("store");
        // lethe import: checked, evaluated, recorded by digest
        Cli imported = Cli.run("import", "--model", model.toString(), "--dataset", "csv", "--data", data.toString(), "--header",
                "--label-column", "label", "--id-column", "id", "--subject-column", "subject", "--lr", "0.01", "--store", store.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("TorchScript").contains("sha256 ");
        assertThat(trainAccuracy(imported.out())).as("a model Python trained to fit the digits").isGreaterThan(0.9);

        // the imported model predicts what Python predicts, to 1e-5
        double[][] python = pythonPredicts(model);
        assertThat(maxDifference(lethePredicts(store), python)).isLessThan(1e-5);

        // a person is unlearned with a method that needs only the loss and the parameters
        Cli unlearned = Cli.run("unlearn", "--store", store.toString(), "--method", "grad-diff", "--subject", "subject-3");
        assertThat(unlearned.exitCode()).as(unlearned.err()).isZero();
        double[][] after = lethePredicts(store);
        assertThat(maxDifference(after, python)).as("the weights changed").isGreaterThan(1e-4);

        // train.py exports features(x) and classify(h): a method that works at the layer before the head runs on it
        double[][] beforeRmu = lethePredicts(store);
        Cli rmu = Cli.run("unlearn", "--store", store.toString(), "--method", "rmu", "--subject", "subject-4");
        assertThat(rmu.exitCode()).as(rmu.err()).isZero();
        after = lethePredicts(store);
        assertThat(maxDifference(after, beforeRmu)).as("rmu moved the features").isGreaterThan(1e-4);

        // the export is the unlearned model: Python loads it and predicts what lethe predict does now
        Path exported = dir.resolve("unlearned.pt");
        Cli export = Cli.run("export", "--store", store.toString(), "--format", "torchscript", "--out", exported.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(maxDifference(pythonPredicts(exported), after)).isLessThan(1e-5);
    }

    @Test
    void theReadmesFromPythonBlockRunsAsWritten() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("<!-- from-python:begin -->"), readme.indexOf("<!-- from-python:end -->"));
        String block = section.substring(section.indexOf("```bash") + "```bash".length(), section.lastIndexOf("```"));
        Path work = Files.createDirectories(dir.resolve("readme"));
        Files.copy(data, work.resolve("people.csv"));
        Files.createSymbolicLink(work.resolve("docs"), SCRIPTS.getParent());
        // 'lethe' is this build's CLI in a JVM of its own, 'python3' is Debian's
        String lethe = String.join(" ", ChildJvm.command(List.of("-Dai.djl.pytorch.num_threads=2", "-Dai.djl.pytorch.num_interop_threads=1",
                "-Xmx1g"), List.of()).stream().map(a -> "'" + a + "'").toList());
        String script = "set -euo pipefail\nexport PATH=/usr/bin:$PATH\nlethe() { " + lethe + " \"$@\"; }\n" + block;
        Process p = new ProcessBuilder("bash", "-c", script).directory(work.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        int rows = Files.readAllLines(data).size() - 1;
        assertThat(Files.readAllLines(work.resolve("unlearned-scores.csv"))).hasSize(rows);
        assertThat(Files.readAllLines(work.resolve("ensemble-scores.csv"))).hasSize(rows);
        assertThat(output).contains("sha256 ").contains("model version 2 (exact").contains("ensemble.json");
    }

    @Test
    void sisaTrainsFreshCopiesOfAPythonArchitectureAndAnotherProcessForgetsAPersonExactly() throws Exception {
        Path store = dir.resolve("sisa");
        Cli trained = Cli.run("train", "--sisa", "--model", "torchscript:" + model, "--dataset", "csv", "--data", data.toString(), "--header",
                "--label-column", "label", "--id-column", "id", "--subject-column", "subject", "--shards", "2", "--slices", "2",
                "--assign", "subject", "--aggregation", "softmax", "--epochs", "2", "--lr", "0.01", "--store", store.toString(), "--json");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("\"spec\" : \"torchscript:");
        // the store keeps the architecture (fresh weights), so a process that never saw model.pt retrains a shard from it
        try (var files = Files.list(store)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("torchscript-") && n.endsWith(".pt"));
        }
        Process forget = new ProcessBuilder(ChildJvm.command(List.of("-Dai.djl.pytorch.num_threads=2", "-Xmx1g"),
                List.of("forget", "--store", store.toString(), "--subject", "subject-3"))).redirectErrorStream(true).start();
        String output = new String(forget.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(forget.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(forget.exitValue()).as(output).isZero();
        assertThat(output).contains("retrained slices 0..").contains("model version 2 (exact");

        // the ensemble goes out as its shard modules and a note on how they combine; Python's mean of their
        // probabilities is what lethe predict answers
        Path exported = dir.resolve("ensemble");
        Cli export = Cli.run("export", "--store", store.toString(), "--out", exported.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.readString(exported.resolve("ensemble.json"))).contains("\"aggregation\" : \"mean-softmax\"")
                .contains("shard-000.pt").contains("shard-001.pt").contains("\"modelVersion\" : 2");
        assertThat(maxDifference(pythonPredicts(exported), lethePredicts(store))).isLessThan(1e-5);
    }

    @Test
    void aModuleThatIsNotAClassifierForTheDataOrNotAModuleLeavesNoStore() throws Exception {
        // three classes in the data, ten logits from the module
        Path threeClasses = Files.writeString(dir.resolve("three.csv"), Files.readAllLines(data).stream()
                .map(line -> line.replaceAll(",[3-9]$", ",2")).collect(Collectors.joining("\n")) + "\n");
        Path store = dir.resolve("wrong-classes");
        Cli classes = Cli.run("import", "--model", model.toString(), "--dataset", "csv", "--data", threeClasses.toString(), "--header",
                "--label-column", "label", "--id-column", "id", "--subject-column", "subject", "--store", store.toString());
        assertThat(classes.exitCode()).as(classes.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(classes.err()).contains("returns logits of shape (2, 10)").contains("3 classes");
        assertThat(store).doesNotExist();

        // inputs of another width
        Path narrow = dir.resolve("narrow.csv");
        Files.write(narrow, List.of("a,b,label", "1,2,0", "3,4,1", "5,6,0", "7,8,1", "1,1,0"));
        Cli shape = Cli.run("import", "--model", model.toString(), "--dataset", "csv", "--data", narrow.toString(), "--header",
                "--label-column", "label", "--store", dir.resolve("narrow-store").toString());
        assertThat(shape.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(shape.err()).contains("does not take the data's inputs").contains("[2]");
        assertThat(dir.resolve("narrow-store")).doesNotExist();

        // a truncated file
        byte[] bytes = Files.readAllBytes(model);
        Path corrupt = Files.write(dir.resolve("corrupt.pt"), Arrays.copyOf(bytes, bytes.length / 2));
        Cli broken = Cli.run("import", "--model", corrupt.toString(), "--dataset", "csv", "--data", data.toString(), "--header",
                "--label-column", "label", "--id-column", "id", "--subject-column", "subject", "--store", dir.resolve("corrupt-store").toString());
        assertThat(broken.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(broken.err()).contains("is not a TorchScript module");
        assertThat(dir.resolve("corrupt-store")).doesNotExist();

        // a module of the user's reads the values their own pipeline gave it: Lethe does not scale them (--scale)
        Cli scaledImport = Cli.run("import", "--model", model.toString(), "--dataset", "csv", "--data", data.toString(), "--header",
                "--label-column", "label", "--scale", "standard", "--store", dir.resolve("scaled-import").toString());
        assertThat(scaledImport.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(scaledImport.err()).contains("--scale standard with 'lethe import'");
        Cli scaledTrain = Cli.run("train", "--model", "torchscript:" + model, "--dataset", "csv", "--data", data.toString(), "--header",
                "--label-column", "label", "--scale", "standard", "--store", dir.resolve("scaled-train").toString());
        assertThat(scaledTrain.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(scaledTrain.err()).contains("--scale standard with a TorchScript model");
        assertThat(dir.resolve("scaled-import")).doesNotExist();
        assertThat(dir.resolve("scaled-train")).doesNotExist();
    }

    private static double trainAccuracy(String out) {
        String line = out.lines().filter(l -> l.contains("accuracy")).findFirst().orElseThrow();
        return Double.parseDouble(line.replaceAll(".*train ([0-9.]+).*", "$1"));
    }

    private static double[][] lethePredicts(Path store) throws IOException {
        List<String> rows = Files.readAllLines(someRows);
        List<String> header = Arrays.asList(rows.get(0).split(","));
        List<double[]> probabilities = new ArrayList<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] fields = row.split(",");
            String features = IntStream.range(0, fields.length).filter(c -> !List.of("id", "subject", "label").contains(header.get(c)))
                    .mapToObj(c -> fields[c]).collect(Collectors.joining(","));
            Cli predicted = Cli.run("predict", "--store", store.toString(), "--features", features, "--json");
            assertThat(predicted.exitCode()).as(predicted.err()).isZero();
            String list = predicted.out().replaceAll("(?s).*\"probabilities\" : \\[([^\\]]*)\\].*", "$1");
            probabilities.add(Arrays.stream(list.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray());
        }
        return probabilities.toArray(double[][]::new);
    }

    private static double[][] pythonPredicts(Path module) throws Exception {
        return python(SCRIPTS.resolve("predict.py").toString(), module.toString(), someRows.toString()).lines()
                .filter(l -> !l.startsWith("ok"))
                .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
    }

    private static double maxDifference(double[][] a, double[][] b) {
        assertThat(a.length).isEqualTo(b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < a[i].length; k++) {
                max = Math.max(max, Math.abs(a[i][k] - b[i][k]));
            }
        }
        return max;
    }

    /** Runs /usr/bin/python3 with {@code args}; its standard output, then "ok" on success, or fails the test with its errors. */
    private static String python(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) {
            if (args[0].equals("-c")) {
                return "failed";
            }
            throw new AssertionError("python3 " + String.join(" ", args) + " failed: " + new String(err, StandardCharsets.UTF_8));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        return args[0].equals("-c") ? "ok" : text;
    }

    private static Path writeCsv(Path file, RecordSet records, int[] rows) throws IOException {
        StringBuilder csv = new StringBuilder("id,subject,");
        csv.append(IntStream.range(0, records.featureSize()).mapToObj(k -> "px" + k).collect(Collectors.joining(",")));
        csv.append(",label\n");
        for (int i : rows) {
            float[] x = records.record(i).features();
            csv.append(records.id(i)).append(",subject-").append(i % 20).append(',');
            for (int k = 0; k < x.length; k++) {
                csv.append(x[k] == (int) x[k] ? Integer.toString((int) x[k]) : Float.toString(x[k])).append(',');
            }
            csv.append(records.label(i)).append('\n');
        }
        return Files.writeString(file, csv);
    }
}
