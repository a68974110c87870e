package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The lethe command end to end, in-process, on the embedded digits: outputs, JSON, exit codes. */
class CommandLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path store;

    @BeforeAll
    static void trainAStore() {
        store = dir.resolve("store");
        Cli r = Cli.run("train", "--store", store.toString(), "--epochs", "20", "--model", "mlp:64", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void helpListsEveryCommandAndEveryCommandHasHelp() {
        Cli top = Cli.run("--help");
        assertThat(top.exitCode()).isZero();
        for (String cmd : new String[]{"demo", "datasets", "train", "eval", "predict", "forget", "audit", "repair", "methods", "unlearn", "attack", "bench", "serve", "tokens"}) {
            assertThat(top.out()).contains(cmd);
            Cli sub = Cli.run(cmd, "--help");
            assertThat(sub.exitCode()).as(cmd).isZero();
            assertThat(sub.out()).as(cmd).contains("Usage: lethe " + cmd);
        }
    }

    @Test
    void everyHelpTextOfEveryCommandFormatsWithoutAPicocliWarning() {
        List<String> unformattable = new ArrayList<>();
        checkHelpTexts(LetheCommand.newCommandLine(), unformattable);
        assertThat(unformattable).as("picocli formats help texts with String.format: escape a literal %% as %%%%").isEmpty();
    }

    @Test
    void everyCommandsHelpEndsWithAnExampleOfItself() {
        List<String> without = new ArrayList<>();
        checkExamples(LetheCommand.newCommandLine(), without);
        assertThat(without).as("commands whose help has no example").isEmpty();
    }

    private static void checkExamples(CommandLine cl, List<String> without) {
        String help = cl.getUsageMessage();
        String name = cl.getCommandSpec().qualifiedName();
        int example = help.indexOf("Example");
        boolean picocliHelp = cl.getCommand() instanceof CommandLine.HelpCommand; // 'lethe help COMMAND': picocli's own
        if (!picocliHelp && (example < 0 || !help.substring(example).contains(name))) {
            without.add(name);
        }
        cl.getSubcommands().values().forEach(sub -> checkExamples(sub, without));
    }

    /** Adds to {@code unformattable} each description of {@code cl} and its subcommands that picocli cannot format. */
    private static void checkHelpTexts(CommandLine cl, List<String> unformattable) {
        CommandSpec spec = cl.getCommandSpec();
        List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
        spec.options().forEach(o -> texts.addAll(List.of(o.description())));
        for (String text : texts) {
            try {
                String.format(text);
            } catch (IllegalFormatException e) {
                unformattable.add(spec.qualifiedName() + ": " + text);
            }
        }
        cl.getSubcommands().values().forEach(sub -> checkHelpTexts(sub, unformattable));
    }

    @Test
    void storeInfoShowsTheModelTheIdFormatWithExamplesAndTheVersions() throws Exception {
        Cli text = Cli.run("store", "info", "--store", store.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("single model").contains("digits").contains("train ids").contains("digits-0")
                .contains("v1").contains("trained");
        JsonNode info = JSON.readTree(Cli.run("store", "info", "--store", store.toString(), "--json").out());
        assertThat(info.get("kind").asText()).isEqualTo("single");
        assertThat(info.get("currentVersion").asInt()).isEqualTo(1);
        assertThat(info.at("/ids/train ids").asText()).matches("digits-\\d{4}, digits-\\d{4}, digits-\\d{4}, \\.\\.\\. digits-\\d{4}");
        assertThat(info.has("pendingRequests")).as("a single-model store keeps no ledger").isFalse();
        Cli none = Cli.run("store", "info", "--store", dir.resolve("nothing").toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void aStoreRecordsItsDataPathAbsoluteSoItWorksFromAnyFolder(@TempDir Path tmp) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            rows.append(i % 7).append(',').append(i % 5).append(',').append(i % 2).append('\n');
        }
        Path csv = Files.writeString(tmp.resolve("rows.csv"), rows);
        Path relative = Path.of("").toAbsolutePath().relativize(csv);
        Path s = tmp.resolve("csv-store");
        Cli trained = Cli.run("train", "--store", s.toString(), "--dataset", "csv", "--data", relative.toString(), "--model", "logreg",
                "--epochs", "1");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        String recorded = JSON.readTree(s.resolve("manifest.json").toFile()).at("/dataset/source/path").asText();
        assertThat(Path.of(recorded)).isAbsolute().isEqualTo(csv.toAbsolutePath().normalize());
    }

    @Test
    void tokensAreCreatedOnceListedWithoutSecretsAndRevoked() throws Exception {
        Cli created = Cli.run("tokens", "create", "--store", store.toString(), "--name", "ci-bot", "--role", "admin", "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String secret = JSON.readTree(created.out()).get("token").asText();
        assertThat(secret).matches("lethe_[0-9a-f]{12}_[A-Za-z0-9_-]{43}");

        Cli listed = Cli.run("tokens", "list", "--store", store.toString());
        assertThat(listed.out()).contains("ci-bot").contains("admin").doesNotContain(secret.substring(19));

        assertThat(Cli.run("tokens", "revoke", "--store", store.toString(), "--name", "ci-bot").exitCode()).isZero();
        JsonNode all = JSON.readTree(Cli.run("tokens", "list", "--store", store.toString(), "--json").out());
        assertThat(all.get(0).get("revokedAt").isNull()).isFalse();
        Cli again = Cli.run("tokens", "revoke", "--store", store.toString(), "--name", "ci-bot");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("no active token named 'ci-bot'");
        Cli reused = Cli.run("tokens", "create", "--store", store.toString(), "--name", "ci-bot");
        assertThat(reused.exitCode()).isEqualTo(2);
        assertThat(Cli.run("tokens", "create", "--store", store.toString(), "--name", "x", "--role", "root").err())
                .contains("unknown role 'root'");
        Cli unnamed = Cli.run("tokens", "create", "--store", store.toString(), "--role", "client");
        assertThat(unnamed.exitCode()).as(unnamed.err()).isZero();
        assertThat(unnamed.out()).containsPattern("created   client-[0-9a-f]{8} \\(client\\)");
    }

    @Test
    void trainWritesAStoreWhoseManifestRecordsConfigSeedVersionsAndFingerprint() throws Exception {
        JsonNode m = JSON.readTree(store.resolve("manifest.json").toFile());
        assertThat(m.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(m.at("/dataset/source/name").asText()).isEqualTo("digits");
        assertThat(m.at("/dataset/fingerprint").asText()).hasSize(64);
        assertThat(m.at("/training/seed").asLong()).isEqualTo(42);
        assertThat(m.at("/training/threads").asInt()).isEqualTo(2);
        assertThat(m.at("/versions/pytorch").asText()).isEqualTo("2.7.1");
        assertThat(m.at("/model/spec").asText()).isEqualTo("mlp:64");
        assertThat(m.at("/models/0/metrics/testAccuracy").asDouble()).isGreaterThan(0.9);
        assertThat(store.resolve(m.at("/models/0/file").asText())).isRegularFile();
        assertThat(store.resolve("reports/train-v1.json")).isRegularFile();
    }

    @Test
    void evalReproducesTheTrainingFiguresAsJson() throws Exception {
        Cli r = Cli.run("eval", "--store", store.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        JsonNode manifest = JSON.readTree(store.resolve("manifest.json").toFile());
        assertThat(doc.at("/test/accuracy").asDouble()).isEqualTo(manifest.at("/models/0/metrics/testAccuracy").asDouble());
        assertThat(doc.at("/test/confusionMatrix")).hasSize(10);
        assertThat(doc.at("/test/perClassAccuracy").size()).isEqualTo(10);
    }

    @Test
    void evalForPeoplePrintsTheConfusionMatrix() {
        Cli r = Cli.run("eval", "--store", store.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("accuracy").contains("confusion (rows = true, columns = predicted)").contains("per class");
    }

    @Test
    void predictAnswersWithTheCurrentVersionAndRefusesWrongLengths(@TempDir Path tmp) throws Exception {
        // A blank 8x8 image and a full one, as a CSV file
        Path input = tmp.resolve("in.csv");
        Files.writeString(input, "0".repeat(1).concat(",0".repeat(63)) + "\n" + "1".concat(",1".repeat(63)) + "\n");
        Cli r = Cli.run("predict", "--store", store.toString(), "--input", input.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("modelVersion").asInt()).isEqualTo(1);
        assertThat(doc.get("predictions")).hasSize(2);
        double sum = 0;
        for (JsonNode p : doc.at("/predictions/0/probabilities")) {
            sum += p.asDouble();
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));

        Cli wrong = Cli.run("predict", "--store", store.toString(), "--features", "1,2,3", "--encoded");
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(wrong.err()).contains("input 0 has 3 features; the model takes 64");
        Cli wrongRaw = Cli.run("predict", "--store", store.toString(), "--features", "1,2,3");
        assertThat(wrongRaw.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(wrongRaw.err()).contains("record 1: expected 64 raw values (pixel-0, pixel-1, pixel-2, …, pixel-63 (64)), found 3")
                .contains("--encoded");

        Cli notNumber = Cli.run("predict", "--store", store.toString(), "--features", "1,x,3", "--encoded");
        assertThat(notNumber.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(notNumber.err()).contains("column 2").contains("'x' is not a number");
        Cli notNumberRaw = Cli.run("predict", "--store", store.toString(), "--features", "1,x" + ",3".repeat(62));
        assertThat(notNumberRaw.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(notNumberRaw.err()).contains("column pixel-1: 'x' is not a number");
    }

    @Test
    void predictEncodesRawRecordsAsTrainingDidAndNamesThemByTheirIds(@TempDir Path tmp) throws Exception {
        // the store kept the digits' encoding: 64 pixel counts 0..16, scaled by 1/16
        JsonNode encoding = JSON.readTree(store.resolve("manifest.json").toFile()).at("/dataset/encoding/columns/0");
        assertThat(encoding.get("name").asText()).isEqualTo("pixel");
        assertThat(encoding.get("count").asInt()).isEqualTo(64);
        assertThat(encoding.get("scale").asDouble()).isEqualTo(1 / 16.0);
        // a raw row (the scikit-learn file's own values) answers exactly as its encoded vector does
        StringBuilder raw = new StringBuilder();
        StringBuilder encoded = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            int count = (i * 7) % 17;
            raw.append(i == 0 ? "" : ",").append(count);
            encoded.append(i == 0 ? "" : ",").append(count / 16f);
        }
        JsonNode fromRaw = JSON.readTree(Cli.run("predict", "--store", store.toString(), "--features", raw.toString(), "--json").out());
        JsonNode fromEncoded = JSON.readTree(Cli.run("predict", "--store", store.toString(), "--features", encoded.toString(), "--encoded",
                "--json").out());
        assertThat(fromRaw.at("/predictions/0/probabilities")).isEqualTo(fromEncoded.at("/predictions/0/probabilities"));
        assertThat(fromRaw.get("input").asText()).isEqualTo("raw");
        // by column name, in any order, with the ids of an id column carried to the output
        List<String> names = new java.util.ArrayList<>();
        for (int i = 63; i >= 0; i--) {
            names.add("pixel-" + i);
        }
        String[] values = raw.toString().split(",");
        StringBuilder reversed = new StringBuilder();
        for (int i = 63; i >= 0; i--) {
            reversed.append(",").append(values[i]);
        }
        Path input = tmp.resolve("raw.csv");
        Files.writeString(input, "case," + String.join(",", names) + "\nalice" + reversed + "\nbob" + reversed + "\n");
        Cli byName = Cli.run("predict", "--store", store.toString(), "--input", input.toString(), "--header", "--id-column", "case", "--json");
        assertThat(byName.exitCode()).as(byName.err()).isZero();
        JsonNode rows = JSON.readTree(byName.out()).get("predictions");
        assertThat(rows.findValuesAsText("id")).containsExactly("alice", "bob");
        // (a batch of two takes other kernels than a single row: equal to float rounding)
        for (int k = 0; k < 10; k++) {
            assertThat(rows.get(0).get("probabilities").get(k).asDouble())
                    .isCloseTo(fromRaw.at("/predictions/0/probabilities").get(k).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
        }
        // a header that misses a column says which
        Files.writeString(input, "case," + String.join(",", names.subList(1, 64)) + "\nalice" + reversed.substring(reversed.indexOf(",", 1)) + "\n");
        Cli missing = Cli.run("predict", "--store", store.toString(), "--input", input.toString(), "--header", "--id-column", "case");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("line 2: missing column(s) pixel-63");
    }

    @Test
    void badUsageAndBadInputExitWithTwoAndAMessage(@TempDir Path tmp) throws Exception {
        Cli unknownOption = Cli.run("train", "--store", tmp.resolve("s").toString(), "--epochz", "3");
        assertThat(unknownOption.exitCode()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("--epochz");

        Cli unknownDataset = Cli.run("train", "--store", tmp.resolve("s").toString(), "--dataset", "imagenet");
        assertThat(unknownDataset.exitCode()).isEqualTo(2);
        assertThat(unknownDataset.err()).contains("imagenet").contains("digits");

        Cli badDevice = Cli.run("train", "--store", tmp.resolve("s").toString(), "--device", "tpu");
        assertThat(badDevice.exitCode()).isEqualTo(2);
        assertThat(badDevice.err()).contains("unknown device 'tpu'");

        Cli badModel = Cli.run("train", "--store", tmp.resolve("s").toString(), "--model", "cnn");
        assertThat(badModel.exitCode()).isEqualTo(2);
        assertThat(badModel.err()).contains("[channels, height, width]");

        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "1,2,0\n3,4,1\n5,oops,0\n");
        Cli malformed = Cli.run("train", "--store", tmp.resolve("s").toString(), "--dataset", "csv", "--data", csv.toString());
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("bad.csv").contains("line 3").contains("oops");
        assertThat(tmp.resolve("s").resolve("manifest.json")).doesNotExist();

        Path notAStore = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(notAStore.resolve("cat.jpg"), "meow");
        Cli refused = Cli.run("train", "--store", notAStore.toString(), "--epochs", "1");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("not a Lethe store");
        assertThat(notAStore.resolve("cat.jpg")).hasContent("meow");

        Cli noStore = Cli.run("eval", "--store", tmp.resolve("nothing").toString());
        assertThat(noStore.exitCode()).isEqualTo(2);
        assertThat(noStore.err()).contains("is not a Lethe store");

        Cli nested = Cli.run("datasets", "info", "imagenet");
        assertThat(nested.exitCode()).isEqualTo(2);
        assertThat(nested.err()).as("the error names the whole command").startsWith("lethe datasets info: ").contains("imagenet");
    }

    @Test
    void aCorruptModelOrManifestIsReportedNotTrusted(@TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve("copy");
        Cli trained = Cli.run("train", "--store", copy.toString(), "--epochs", "1", "--model", "logreg");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Path model = copy.resolve("models/model-v1.lethe-model");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length - 3] ^= 0x55;
        Files.write(model, bytes);
        Cli r = Cli.run("predict", "--store", copy.toString(), "--features", "0" + ",0".repeat(63));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("does not match the manifest").contains("model-v1.lethe-model");

        Files.writeString(copy.resolve("manifest.json"), "{ \"schemaVersion\": 1, ");
        Cli broken = Cli.run("eval", "--store", copy.toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).contains("manifest.json is not a valid manifest");
    }

    @Test
    void datasetsListShowsTheCatalogueAndInfoExplainsOne() throws Exception {
        Cli list = Cli.run("datasets", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("digits").contains("embedded").contains("mnist").contains("cifar10")
                .contains("location").contains("adult").contains("breast-cancer");
        Cli info = Cli.run("datasets", "info", "mnist");
        assertThat(info.exitCode()).isZero();
        assertThat(info.out()).contains("60000").contains("sha256");
        assertThat(info.out()).contains("ids       train-00000 … train-59999 and test-0000 … test-9999");
        // the format a data set documents is the one its records have
        Cli digits = Cli.run("datasets", "info", "digits");
        assertThat(digits.out()).contains("ids       digits-0000 … digits-1796");
        java.util.List<String> ids = new java.util.ArrayList<>(dev.lethe.core.data.DatasetRef.digits(1).load().train().ids());
        ids.addAll(dev.lethe.core.data.DatasetRef.digits(1).load().test().ids());
        assertThat(ids).contains("digits-0000", "digits-1796").hasSize(1797).allMatch(id -> id.matches("digits-\\d{4}"));
        Cli unknown = Cli.run("datasets", "info", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
    }

    @Test
    void demoTellsTheWholeStoryAndItsFiguresHold(@TempDir Path tmp) throws Exception {
        Cli r = Cli.run("demo", "--store", tmp.resolve("demo").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("demo: OK").contains("mlp:256,128").contains("retrained shard").contains("\"guarantee\" : \"exact\"")
                .contains("[ok] no forgotten data row remains");
        JsonNode reference = JSON.readTree(tmp.resolve("demo/reference/manifest.json").toFile());
        assertThat(reference.at("/models/0/metrics/testAccuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
        JsonNode sisa = JSON.readTree(tmp.resolve("demo/sisa/manifest.json").toFile());
        assertThat(sisa.get("currentVersion").asInt()).isEqualTo(2);
        assertThat(sisa.at("/models/1/retrained")).hasSize(1);
        Cli eval = Cli.run("eval", "--store", tmp.resolve("demo/sisa").toString(), "--json");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(JSON.readTree(eval.out()).at("/test/accuracy").asDouble()).isGreaterThan(0.93);
    }

    @Test
    void forgetAndAuditOnTheCommandLine(@TempDir Path tmp) throws Exception {
        Path sisa = tmp.resolve("sisa");
        Cli trained = Cli.run("train", "--sisa", "--shards", "3", "--slices", "2", "--epochs", "2", "--model", "mlp:16",
                "--subjects", "40", "--store", sisa.toString(), "--json");
        assertThat(trained.exitCode()).as(trained.err()).isZero();

        // a single-model store cannot forget exactly
        Cli notSisa = Cli.run("forget", "--store", store.toString(), "--record", "digits-0001");
        assertThat(notSisa.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(notSisa.err()).contains("not a SISA ensemble");

        // an unknown label is refused and nothing is written
        long ledgerSize = Files.size(sisa.resolve("ledger.db"));
        Cli badLabel = Cli.run("forget", "--store", sisa.toString(), "--label", "eleven");
        assertThat(badLabel.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badLabel.err()).contains("label 'eleven' is not a class");
        assertThat(Files.size(sisa.resolve("ledger.db"))).isEqualTo(ledgerSize);

        // a class is forgotten: every training record of class 3 goes, and the audit passes
        Cli forgot = Cli.run("forget", "--store", sisa.toString(), "--label", "3", "--json");
        assertThat(forgot.exitCode()).as(forgot.err()).isZero();
        JsonNode receipt = JSON.readTree(forgot.out()).at("/receipts/0");
        assertThat(receipt.get("matchedTrainRecords").asInt()).isGreaterThan(100);
        assertThat(receipt.get("matchedTestRecords").asInt()).isZero();
        Cli eval = Cli.run("eval", "--store", sisa.toString(), "--json");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(JSON.readTree(eval.out()).required("test").required("perClassAccuracy").required("3").asDouble()).isLessThan(0.2);
        Cli audit = Cli.run("audit", "--store", sisa.toString(), "--json");
        assertThat(audit.exitCode()).isZero();
        assertThat(JSON.readTree(audit.out()).get("passed").asBoolean()).isTrue();

        // a leftover file in data/ fails the audit with exit 3
        Files.writeString(sisa.resolve("data/train-v1.bin"), "left behind");
        Cli failed = Cli.run("audit", "--store", sisa.toString());
        assertThat(failed.exitCode()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(failed.out()).contains("[FAIL] no forgotten data row remains").contains("data/train-v1.bin");
    }

    @Test
    void methodsListsEveryMethodWithItsOptions() throws Exception {
        Cli r = Cli.run("methods");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("retrain").contains("grad-ascent").contains("--opt grad-ascent.epochs=");
        assertThat(r.out()).contains("tasks: classification, next-token").contains("tasks: classification\n");
        // a method's strength option says that its default is not what a run with no option uses
        assertThat(r.out()).containsPattern("--opt ssd\\.alpha=\\S+ +\\(float\\) .*\\[its strength: set from the data when unset")
                .containsPattern("--opt scrub\\.updateScale=\\S+ +\\(float\\) .*\\[its strength")
                .doesNotContainPattern("--opt scrub\\.epochs=.*\\[its strength")
                .containsPattern("--opt kl\\.forgetWeight=\\S+ +\\(float\\) .*\\[changed from the data when unset and its strength cannot meet the bounds");
        JsonNode all = JSON.readTree(Cli.run("methods", "--json").out());
        assertThat(all.size()).isGreaterThanOrEqualTo(5);
        assertThat(all.get(0).get("tasks").get(0).asText()).isEqualTo("classification");
        assertThat(all.get(0).get("options").get(0).get("description").asText()).isNotBlank();
    }

    @Test
    void unlearnWritesAnApproximateVersionAndRefusesBadInputBeforeWork(@TempDir Path tmp) throws Exception {
        Path single = smallSingleModelStore(tmp);
        String manifestBefore = Files.readString(single.resolve("manifest.json"));

        Cli badOption = Cli.run("unlearn", "--store", single.toString(), "--method", "grad-ascent", "--label", "3", "--opt", "grad-ascent.epochs=0");
        assertThat(badOption.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(badOption.err()).contains("grad-ascent.epochs must be >= 1, got 0");
        Cli unknownOption = Cli.run("unlearn", "--store", single.toString(), "--method", "grad-ascent", "--label", "3", "--opt", "speed=9");
        assertThat(unknownOption.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknownOption.err()).contains("no option 'speed'");
        Cli malformedOption = Cli.run("unlearn", "--store", single.toString(), "--method", "grad-ascent", "--label", "3", "--opt", "grad-ascent.epochs");
        assertThat(malformedOption.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(malformedOption.err()).contains("--opt 'grad-ascent.epochs' is not KEY=VALUE");
        Cli unknownMethod = Cli.run("unlearn", "--store", single.toString(), "--method", "magic", "--label", "3");
        assertThat(unknownMethod.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknownMethod.err()).contains("unknown method 'magic'").contains("grad-diff");
        Cli nothing = Cli.run("unlearn", "--store", single.toString(), "--method", "grad-ascent", "--record", "no-such-record");
        assertThat(nothing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        Cli poisonedClass = Cli.run("unlearn", "--store", single.toString(), "--method", "npo", "--label", "3", "--poisoned");
        assertThat(poisonedClass.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(poisonedClass.err()).contains("--poisoned is for records or subjects").contains("class is already aimed at 0");
        assertThat(Files.readString(single.resolve("manifest.json"))).isEqualTo(manifestBefore);

        Cli done = Cli.run("unlearn", "--store", single.toString(), "--method", "grad-diff", "--label", "3", "--json");
        assertThat(done.exitCode()).as(done.err()).isZero();
        JsonNode receipt = JSON.readTree(done.out()).get("receipt");
        assertThat(receipt.get("guarantee").asText()).isEqualTo("approximate");
        assertThat(receipt.get("method").asText()).isEqualTo("grad-diff");
        assertThat(receipt.get("matchedRecords").asInt()).isGreaterThan(100);
        JsonNode manifest = JSON.readTree(single.resolve("manifest.json").toFile());
        assertThat(manifest.get("currentVersion").asInt()).isEqualTo(2);
        assertThat(manifest.at("/models/1/unlearning/options/forgetWeight").asDouble()).isGreaterThan(0);
        JsonNode eval = JSON.readTree(Cli.run("eval", "--store", single.toString(), "--json").out());
        assertThat(eval.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(eval.required("test").required("perClassAccuracy").required("3").asDouble()).isLessThan(0.2);
        // the update scale was chosen on one half of the test split (the kept classes' and the class's records there);
        // eval reports on the other half as well, records no choice saw
        JsonNode calibration = receipt.at("/report/grad-diff.calibration");
        assertThat(calibration.get("keepCheck").asText()).isEqualTo("validation");
        assertThat(calibration.get("keepCheckSize").asInt() + calibration.get("unseenForgetCheckSize").asInt()
                + eval.required("testUnseenByCalibration").required("records").asInt())
                .isEqualTo(eval.required("test").required("records").asInt());

        Cli retrained = Cli.run("unlearn", "--store", single.toString(), "--method", "retrain", "--label", "5",
                "--opt", "retrain.epochs=1");
        assertThat(retrained.exitCode()).as(retrained.err()).isZero();
        assertThat(retrained.out()).contains("retrain (exact)").contains("trained without them")
                .doesNotContain("approximate method");

        // records said to be poisoned: an update scale is set from the data there too, aimed at 0 on their labels
        String records = FORTY_RECORDS;
        Cli poisoned = Cli.run("unlearn", "--store", single.toString(), "--method", "npo", "--record", records, "--poisoned", "--json");
        assertThat(poisoned.exitCode()).as(poisoned.err()).isZero();
        JsonNode report = JSON.readTree(poisoned.out()).get("receipt").get("report");
        assertThat(report.get("poisoned").asBoolean()).isTrue();
        assertThat(report.at("/npo.calibration/forgetTarget").asDouble()).isEqualTo(0.0);
        Cli erased = Cli.run("unlearn", "--store", single.toString(), "--method", "npo", "--record",
                records.replace("digits-01", "digits-02"), "--json");
        assertThat(erased.exitCode()).as(erased.err()).isZero();
        assertThat(JSON.readTree(erased.out()).get("receipt").path("report").has("poisoned")).isFalse();
        // the text output says which strength was set from the data, and what the records were aimed at
        Cli text = Cli.run("unlearn", "--store", single.toString(), "--method", "ssd", "--record",
                records.replace("digits-01", "digits-03"), "--poisoned");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("strength  ssd.alpha = ").contains("aimed at accuracy 0.000 (--poisoned)");
    }

    /** Forty digits training records by id, for requests that forget records. */
    private static final String FORTY_RECORDS = java.util.stream.IntStream.range(100, 140).mapToObj(i -> String.format("digits-%04d", i))
            .collect(java.util.stream.Collectors.joining(","));

    /** A single-model store of a small MLP on digits under {@code tmp}, for the unlearn commands' tests. */
    private static Path smallSingleModelStore(Path tmp) {
        Path single = tmp.resolve("single");
        assertThat(Cli.run("train", "--store", single.toString(), "--epochs", "15", "--model", "mlp:64").exitCode()).isZero();
        return single;
    }

    @Test
    void keepWithinSetsTheAllowanceOfAStrengthSetFromTheDataAndIsRefusedWhereNoStrengthIsSet(@TempDir Path tmp) throws Exception {
        Path single = smallSingleModelStore(tmp);
        String manifestBefore = Files.readString(single.resolve("manifest.json"));

        Cli zero = Cli.run("unlearn", "--store", single.toString(), "--method", "grad-ascent", "--label", "3", "--keep-within", "0");
        assertThat(zero.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(zero.err()).contains("between 0 and 1").contains("got 0.0");
        Cli noStrength = Cli.run("unlearn", "--store", single.toString(), "--method", "finetune", "--label", "3", "--keep-within", "0.05");
        assertThat(noStrength.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noStrength.err()).contains("finetune has no strength to set from the data").contains("drop --keep-within");
        Cli setByHand = Cli.run("unlearn", "--store", single.toString(), "--method", "grad-ascent", "--label", "3", "--keep-within", "0.05",
                "--opt", "grad-ascent.learningRate=0.05");
        assertThat(setByHand.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(setByHand.err()).contains("the options set grad-ascent.learningRate").contains("leave the strength to the data");
        // an update scale is not set from the data in an erasure of records: the allowance would change nothing there
        String records = FORTY_RECORDS;
        Cli wholeUpdate = Cli.run("unlearn", "--store", single.toString(), "--method", "npo", "--record", records, "--keep-within", "0.05");
        assertThat(wholeUpdate.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(wholeUpdate.err()).contains("an erasure of records runs the whole update");
        assertThat(Files.readString(single.resolve("manifest.json"))).as("nothing written by a refused request").isEqualTo(manifestBefore);

        Cli allowed = Cli.run("unlearn", "--store", single.toString(), "--method", "grad-ascent", "--label", "3", "--keep-within", "0.045");
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("kept records within 4.5 points");
        JsonNode manifest = JSON.readTree(single.resolve("manifest.json").toFile());
        JsonNode calibration = manifest.at("/models/1/unlearning/report/grad-ascent.calibration");
        assertThat(calibration.get("retainDropMax").asDouble()).as("the receipt records the allowance").isEqualTo(0.045);
    }

    @Test
    void certifiedRemovalsThroughTheCommandLineShareOneBudget(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("logreg");
        Cli trained = Cli.run("train", "--store", store.toString(), "--model", "logreg", "--weight-decay", "0.1", "--perturbation", "10",
                "--epochs", "300", "--batch-size", "4096", "--lr", "0.01");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        // the preparation after training is in the summary, not hidden in "training N s"
        assertThat(trained.out()).containsPattern("certified \\d+\\.\\d s more: polish \\d+\\.\\d s \\(gradient norm \\S+\\), removal state \\d+\\.\\d s");
        // a copy whose kept state is damaged (truncated) by the time it is used
        Path damaged = tmp.resolve("damaged");
        dev.lethe.core.store.Store.open(store).copyTo(damaged);
        Path damagedState = damaged.resolve("models/model-v1.lethe-model.certified");
        Files.write(damagedState, java.util.Arrays.copyOf(Files.readAllBytes(damagedState), 1000));
        Cli removed = Cli.run("unlearn", "--store", store.toString(), "--method", "certified", "--record", "digits-0001,digits-0002", "--json");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        JsonNode receipt = JSON.readTree(removed.out()).get("receipt");
        assertThat(receipt.get("guarantee").asText()).isEqualTo("certified");
        double spent = receipt.at("/report/certified.epsilonSpent").asDouble();
        assertThat(spent).isPositive().isLessThan(receipt.at("/options/epsilon").asDouble());
        assertThat(receipt.at("/options/perturbation").asDouble()).as("σ taken from the manifest").isEqualTo(10.0);
        assertThat(receipt.get("preparedState").asText()).startsWith("loaded from models/model-v1.lethe-model.certified");
        // the damaged copy prepares inline, says so in its receipt, and removes the same way (the inline state sums the
        // records in another order, so float64 figures agree to rounding)
        Cli inline = Cli.run("unlearn", "--store", damaged.toString(), "--method", "certified", "--record", "digits-0001,digits-0002", "--json");
        assertThat(inline.exitCode()).as(inline.err()).isZero();
        JsonNode inlineReceipt = JSON.readTree(inline.out()).get("receipt");
        assertThat(inlineReceipt.get("preparedState").asText()).contains("is damaged").endsWith("prepared inline");
        assertThat(inlineReceipt.at("/report/certified.epsilonSpent").asDouble()).isCloseTo(spent, org.assertj.core.data.Offset.offset(1e-12));
        // training kept the prepared state next to the model, so the removal did not pass over the data; the
        // erasure then deleted the trained model with its state (issue 12: no model trained on the records remains)
        assertThat(damaged.resolve("models/model-v1.lethe-model")).doesNotExist();
        assertThat(store.resolve("models/model-v1.lethe-model.certified")).doesNotExist();
        assertThat(receipt.get("purged")).extracting(JsonNode::asText)
                .containsExactly("models/model-v1.lethe-model", "models/model-v1.lethe-model.certified");
        assertThat(JSON.readTree(store.resolve("manifest.json").toFile()).at("/models/0/metrics/certifiedPrepareSeconds").asDouble()).isPositive();
        // a second removal from the same trained model continues the certificate: it starts from the residual the first
        // spent, keeps its ε and δ, and its receipt accounts for the whole series
        Cli again = Cli.run("unlearn", "--store", store.toString(), "--method", "certified", "--record", "digits-0003");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).containsPattern("certificate {2}ε spent \\S+ of 1\\.0, \\S+ left \\(δ 1\\.0E-4\\)");
        JsonNode second = JSON.readTree(store.resolve("manifest.json").toFile()).at("/models/2/unlearning");
        assertThat(second.at("/options/priorResidual").asDouble()).isEqualTo(receipt.at("/report/certified.residualBound").asDouble());
        double spentAfterTwo = second.at("/report/certified.epsilonSpent").asDouble();
        assertThat(spentAfterTwo).isGreaterThan(spent).isLessThan(1.0);
        // the series keeps one ε; a request that needs more than is left is refused with what is left, and the store is unchanged
        Cli otherEpsilon = Cli.run("unlearn", "--store", store.toString(), "--method", "certified", "--record", "digits-0004",
                "--opt", "certified.epsilon=2");
        assertThat(otherEpsilon.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(otherEpsilon.err()).contains("certified with ε=1.0; a later removal keeps it");
        byte[] manifestBefore = Files.readAllBytes(store.resolve("manifest.json"));
        Cli tooMany = Cli.run("unlearn", "--store", store.toString(), "--method", "certified", "--label", "3");
        assertThat(tooMany.exitCode()).as(tooMany.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(tooMany.err()).containsPattern("needs a residual bound of \\S+, and \\S+ of the budget \\S+ for ε=1\\.0, δ=1\\.0E-4")
                .contains("earlier removals spent");
        assertThat(Files.readAllBytes(store.resolve("manifest.json"))).isEqualTo(manifestBefore);
        // another method's version ends the certificate
        Cli approximate = Cli.run("unlearn", "--store", damaged.toString(), "--method", "grad-ascent", "--record", "digits-0005",
                "--opt", "grad-ascent.epochs=1");
        assertThat(approximate.exitCode()).as(approximate.err()).isZero();
        Cli afterApproximate = Cli.run("unlearn", "--store", damaged.toString(), "--method", "certified", "--record", "digits-0006");
        assertThat(afterApproximate.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(afterApproximate.err()).contains("model version 3 was made by 'grad-ascent', not by a certified removal");
    }
}
