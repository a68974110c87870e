package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.lm.evallog.TofuEvalLog;
import dev.lethe.core.lm.evallog.TofuMetricNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lethe lm}: train a small gpt on a TOFU-like folder ({@link TinyTofu}), generate from it, unlearn an author
 * and write TOFU eval logs, all in-process; and the bad inputs each command refuses with exit 2, saying why.
 */
class LmCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One small block with a context that fits the fixture's longest sequence (about 110 bytes). */
    private static final String MODEL = "gpt:32,1,2,128";
    /** Enough for the answers to become likelier than the perturbed ones, not to memorise them. */
    private static final int EPOCHS = 8;
    private static final String AUTHOR = TinyTofu.FORGET_AUTHORS.get(0);

    @TempDir
    static Path shared;
    private static Path tofu;
    /** The store trained once: the end-to-end test unlearns from it, the refusal tests leave it as it is. */
    private static Path store;
    private static Cli trained;

    @BeforeAll
    static void trainOnce() {
        tofu = TinyTofu.write(shared.resolve("tofu"));
        store = shared.resolve("store");
        trained = Cli.run(train(tofu, store, EPOCHS));
    }

    private static String[] train(Path data, Path storeDir, int epochs, String... extra) {
        List<String> args = new ArrayList<>(List.of("lm", "train", "--data", data.toString(), "--split", "forget01", "--retain-authors", "1",
                "--model", MODEL, "--epochs", Integer.toString(epochs), "--batch-size", "8", "--lr", "0.01", "--warmup", "5", "--seed", "7",
                "--store", storeDir.toString()));
        args.addAll(Arrays.asList(extra));
        return args.toArray(String[]::new);
    }

    private static JsonNode json(Cli r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static List<String> modelFiles(Path storeDir) throws Exception {
        try (Stream<Path> files = Files.list(storeDir.resolve("models"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void trainGenerateUnlearnEvalEndToEnd(@TempDir Path tmp) throws Exception {
        Path lmStore = store;
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.out()).contains("tokens/s").contains("final token loss").contains("recall    forget")
                .contains(String.join(", ", TinyTofu.FORGET_AUTHORS));
        JsonNode manifest = JSON.readTree(lmStore.resolve("manifest.json").toFile());
        assertThat(manifest.at("/dataset/tokenizer").asText()).isEqualTo("bytes");
        assertThat(manifest.at("/dataset/source/subset").asText()).isEqualTo("forget01+1");
        assertThat(manifest.at("/dataset/trainRecords").asInt()).isEqualTo(20 + 40 + 3 + 3);
        assertThat(manifest.at("/models/0/metrics/trainTokenLoss").asDouble()).isPositive();
        assertThat(manifest.at("/models/0/metrics").has("trainAccuracy")).isFalse();
        assertThat(manifest.at("/training/optimizer").asText()).isEqualTo("adamw");
        assertThat(manifest.at("/training/schedule/warmupSteps").asInt()).isEqualTo(5);

        JsonNode generated = json(Cli.run("lm", "generate", "--store", lmStore.toString(), "--question",
                "what did " + AUTHOR + " keep in box 3?", "--max-tokens", "24", "--json"));
        assertThat(generated.get("modelVersion").asInt()).isEqualTo(1); // no other test changes the store
        assertThat(generated.get("tokens").asInt()).isBetween(1, 24);
        assertThat(generated.get("text").asText()).doesNotContain("\n"); // answering stops at the end of the answer

        Path before = tmp.resolve("eval-v1");
        JsonNode eval1 = json(Cli.run("lm", "eval", "--store", lmStore.toString(), "--out", before.toString(), "--max-tokens", "24",
                "--json"));
        assertThat(before.resolve(TofuEvalLog.EVAL_FILE)).isRegularFile();
        assertThat(before.resolve(TofuEvalLog.SUMMARY_FILE)).isRegularFile();
        assertThat(eval1.at("/notComputed/" + TofuMetricNames.FORGET_QUALITY).asText()).contains("retain log");
        double forgetProbBefore = eval1.at("/summary/forget_Q_A_Prob").asDouble();
        assertThat(forgetProbBefore).isPositive();

        JsonNode unlearned = json(Cli.run("lm", "unlearn", "--store", lmStore.toString(), "--method", "grad-ascent", "--subject", AUTHOR,
                "--json"));
        assertThat(unlearned.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(unlearned.at("/receipt/matchedRecords").asInt()).isEqualTo(20);
        assertThat(unlearned.get("purged")).extracting(JsonNode::asText).containsExactly("models/model-v1.lethe-model");
        assertThat(modelFiles(lmStore)).containsExactly("model-v2.lethe-model");
        assertThat(JSON.readTree(lmStore.resolve("manifest.json").toFile()).get("tombstones")).hasSize(20);

        Path after = tmp.resolve("eval-v2");
        Cli eval2 = Cli.run("lm", "eval", "--store", lmStore.toString(), "--out", after.toString(), "--no-generate",
                "--retain-logs", before.resolve(TofuEvalLog.EVAL_FILE).toString());
        assertThat(eval2.exitCode()).as(eval2.err()).isZero();
        assertThat(eval2.out()).contains("version 2").contains(TofuMetricNames.FORGET_QUALITY);
        TofuEvalLog log = TofuEvalLog.read(after);
        assertThat(log.aggregate(TofuMetricNames.FORGET_QUALITY)).isPresent();
        // gradient ascent on half the forget items lowers the forget answers' mean probability
        assertThat(log.aggregate("forget_Q_A_Prob").orElseThrow()).isLessThan(forgetProbBefore);

        // a retain model's own row: its --out folder is its retain log, and its truth ratios match themselves exactly
        Path own = tmp.resolve("own");
        json(Cli.run("lm", "eval", "--store", lmStore.toString(), "--out", own.toString(), "--no-generate", "--retain-logs", own.toString(),
                "--json"));
        assertThat(TofuEvalLog.read(own).aggregate(TofuMetricNames.FORGET_QUALITY)).contains(1.0);
    }

    @Test
    void lmListsItsSubcommands() {
        Cli help = Cli.run("lm", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("train").contains("generate").contains("unlearn").contains("eval");
    }

    @Test
    void shardWeightingIsRefusedOnASingleModelStore(@TempDir Path tmp) {
        Cli generate = Cli.run("lm", "generate", "--store", store.toString(), "--prompt", "Question", "--shard-weighting", "posterior");
        assertThat(generate.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(generate.err()).contains("--shard-weighting applies to a SISA store");
        Cli r = Cli.run("lm", "eval", "--store", store.toString(), "--out", tmp.resolve("out").toString(), "--shard-weighting", "posterior");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("--shard-weighting applies to a SISA store").contains("leave the option out");
        Cli unknown = Cli.run("lm", "eval", "--store", store.toString(), "--out", tmp.resolve("out").toString(), "--shard-weighting", "max");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("unknown shard weighting 'max': use mean or posterior");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedWithTheLengths() {
        Cli r = Cli.run("lm", "generate", "--store", store.toString(), "--prompt", "x".repeat(300));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("300 tokens").contains("context of 128");
    }

    @Test
    void anUnknownAuthorIsRefusedListingKnownOnes() throws Exception {
        byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));
        Cli r = Cli.run("lm", "unlearn", "--store", store.toString(), "--method", "grad-ascent", "--subject", "Nobody Known");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("Nobody Known").contains("known subjects: " + TinyTofu.RETAIN_AUTHOR);
        assertThat(Files.readAllBytes(store.resolve("manifest.json"))).isEqualTo(manifest);
    }

    @Test
    void aClassifierOnlyMethodIsRefusedOnALanguageModelStore() throws Exception {
        byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));
        Cli r = Cli.run("lm", "unlearn", "--store", store.toString(), "--method", "ssd", "--subject", TinyTofu.RETAIN_AUTHOR);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("'ssd' does not support the next-token task").contains("grad-ascent");
        assertThat(Files.readAllBytes(store.resolve("manifest.json"))).isEqualTo(manifest);
    }

    @Test
    void aClassRequestIsRefusedOnALanguageModelStore() {
        Cli r = Cli.run("unlearn", "--store", store.toString(), "--method", "grad-ascent", "--label", "0");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("language model").contains("no class to forget");
    }

    @Test
    void classifierCommandsRefuseALanguageModelStoreNamingTheLmCommand() {
        Cli eval = Cli.run("eval", "--store", store.toString());
        assertThat(eval.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(eval.err()).contains("holds a language model").contains("lethe lm eval");
        Cli predict = Cli.run("predict", "--store", store.toString(), "--features", "1,2");
        assertThat(predict.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(predict.err()).contains("holds a language model").contains("lethe lm generate");
    }

    @Test
    void lmCommandsRefuseAClassifierStore(@TempDir Path tmp) {
        Path classifier = tmp.resolve("digits");
        Cli trained = Cli.run("train", "--store", classifier.toString(), "--model", "logreg", "--epochs", "1", "--json");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        for (String[] args : List.of(new String[]{"lm", "generate", "--store", classifier.toString(), "--prompt", "hi"},
                new String[]{"lm", "unlearn", "--store", classifier.toString(), "--method", "grad-ascent", "--subject", "s"},
                new String[]{"lm", "eval", "--store", classifier.toString(), "--out", tmp.resolve("out").toString()})) {
            Cli r = Cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(r.err()).contains("holds a classifier, not a language model").contains("lethe unlearn");
        }
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aWrongDataFolderIsRefusedBeforeAnyStoreIsMade(@TempDir Path tmp) throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Cli r = Cli.run(train(empty, tmp.resolve("never"), 1));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("no TOFU files in " + empty);
        assertThat(tmp.resolve("never")).doesNotExist();
    }

    @Test
    void malformedTofuJsonFailsTheEvaluationWithTheFileAndPositionAndLeavesTheStoreAsItWas(@TempDir Path tmp) throws Exception {
        Path data = TinyTofu.write(tmp.resolve("tofu"));
        Path lmStore = tmp.resolve("lm");
        json(Cli.run(train(data, lmStore, 1, "--json")));
        byte[] manifest = Files.readAllBytes(lmStore.resolve("manifest.json"));
        Path broken = data.resolve("world_facts_perturbed.json");
        Files.writeString(broken, "[{\"question\": \"where?\",\n \"answer\": }]");

        Cli r = Cli.run("lm", "eval", "--store", lmStore.toString(), "--out", tmp.resolve("out").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains(broken.toString()).contains("line 2");
        assertThat(Files.readAllBytes(lmStore.resolve("manifest.json"))).isEqualTo(manifest);
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void forgetEntityUnlearnsTheModelsOwnAnswersAboutANameAndMeasuresOnTheRealPairsLeavingTheStore(@TempDir Path tmp) throws Exception {
        byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));
        List<String> models = modelFiles(store);
        Path out = tmp.resolve("entity");
        JsonNode r = json(Cli.run("lm", "forget-entity", "--store", store.toString(), "--name", AUTHOR, "--method", "grad-ascent",
                "--retain-pairs", "12", "--max-new-tokens", "24", "--out", out.toString(), "--json"));
        assertThat(r.at("/report/entity").asText()).isEqualTo(AUTHOR);
        assertThat(r.at("/report/entityBefore/items").asInt()).as("the author's real pairs").isEqualTo(20);
        assertThat(r.at("/report/retainBefore/items").asInt()).isEqualTo(12);
        assertThat(r.get("forgetSet")).isNotEmpty();
        for (JsonNode pair : r.get("forgetSet")) {
            assertThat(pair.get("question").asText()).as("template questions, not the data's").contains(AUTHOR).doesNotContain("box");
        }
        assertThat(r.at("/report/entityAfter/answerProbability").asDouble())
                .isLessThan(r.at("/report/entityBefore/answerProbability").asDouble());
        assertThat(r.get("verdict").asText()).isIn("forgotten", "collateral", "not_forgotten");
        assertThat(out.resolve("entity-report.json")).isRegularFile();
        assertThat(out.resolve("unlearned.lethe-model")).isRegularFile();
        assertThat(Files.readAllBytes(store.resolve("manifest.json"))).isEqualTo(manifest);
        assertThat(modelFiles(store)).isEqualTo(models);
    }

    @Test
    void forgetEntityRefusesANameThatIsNotAnAuthorListingTheAuthors() throws Exception {
        Cli r = Cli.run("lm", "forget-entity", "--store", store.toString(), "--name", "Nobody Known");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("'Nobody Known' is not an author").contains(AUTHOR);
    }

    @Test
    void editFactTeachesTheNewAnswerToTheQuestionAndLeavesTheStore(@TempDir Path tmp) throws Exception {
        byte[] manifest = Files.readAllBytes(store.resolve("manifest.json"));
        String question = "what did " + AUTHOR + " keep in box 3?";
        JsonNode r = json(Cli.run("lm", "edit-fact", "--store", store.toString(), "--question", question,
                "--new-answer", AUTHOR + " kept a gold key in box 3.", "--steps", "20", "--lr", "3e-3", "--anchors", "4",
                "--max-new-tokens", "40", "--out", tmp.resolve("edit").toString(), "--json"));
        assertThat(r.at("/report/author").asText()).isEqualTo(AUTHOR);
        assertThat(r.at("/report/after/question/newAnswerProbability").asDouble())
                .isGreaterThan(r.at("/report/before/question/newAnswerProbability").asDouble() + 0.1);
        // the answers share most bytes, so both probabilities may rise; what flips is which one is likelier
        assertThat(r.at("/report/before/question/newAnswerProbability").asDouble())
                .isLessThan(r.at("/report/before/question/oldAnswerProbability").asDouble());
        assertThat(r.at("/report/after/question/newAnswerProbability").asDouble())
                .isGreaterThan(r.at("/report/after/question/oldAnswerProbability").asDouble());
        assertThat(r.at("/report/before/sameAuthor/items").asInt()).as("the author's other pairs").isEqualTo(19);
        assertThat(tmp.resolve("edit").resolve("fact-edit-report.json")).isRegularFile();
        assertThat(Files.readAllBytes(store.resolve("manifest.json"))).isEqualTo(manifest);
    }

    @Test
    void editFactRefusesAnUnnamedOrUnknownFact() {
        Cli both = Cli.run("lm", "edit-fact", "--store", store.toString(), "--question", "q?", "--new-answer", "a",
                "--author", AUTHOR, "--new-birthplace", "Rome");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(both.err()).contains("either by --question and --new-answer, or by --author and --new-birthplace");
        Cli unknown = Cli.run("lm", "edit-fact", "--store", store.toString(), "--question", "what is the moon?", "--new-answer", "cheese");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("no trained pair asks 'what is the moon?'");
        Cli noBirth = Cli.run("lm", "edit-fact", "--store", store.toString(), "--author", AUTHOR, "--new-birthplace", "Rome");
        assertThat(noBirth.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noBirth.err()).contains("no birthplace question among " + AUTHOR);
    }

    @Test
    void aSisaStoreShardedByAuthorForgetsAnAuthorExactlyAndLmEvalScoresItsEnsemble(@TempDir Path tmp) throws Exception {
        Path sisa = tmp.resolve("sisa");
        Cli trainedSisa = Cli.run("train", "--sisa", "--dataset", "tofu", "--data", tofu.toString(), "--subset", "forget01+1",
                "--model", MODEL, "--shards", "2", "--slices", "1", "--assign", "subject", "--aggregation", "softmax",
                "--epochs", Integer.toString(EPOCHS), "--batch-size", "8", "--lr", "0.01", "--seed", "7", "--store", sisa.toString(), "--json");
        assertThat(trainedSisa.exitCode()).as(trainedSisa.err()).isZero();
        JsonNode manifest = JSON.readTree(sisa.resolve("manifest.json").toFile());
        assertThat(manifest.at("/training/optimizer").asText()).as("the language-model recipe").isEqualTo("adamw");
        assertThat(manifest.at("/training/schedule/warmupSteps").asInt()).isEqualTo(100);

        Path before = tmp.resolve("before");
        JsonNode eval1 = json(Cli.run("lm", "eval", "--store", sisa.toString(), "--out", before.toString(), "--max-tokens", "24",
                "--retain-logs", before.toString(), "--json"));
        assertThat(eval1.at("/summary/" + TofuMetricNames.FORGET_QUALITY).asDouble()).as("its own log").isEqualTo(1.0);
        double forgetProbability = eval1.at("/summary/forget_Q_A_Prob").asDouble();
        assertThat(forgetProbability).isPositive();

        json(Cli.run("forget", "--store", sisa.toString(), "--subject", AUTHOR, "--json"));
        JsonNode eval2 = json(Cli.run("lm", "eval", "--store", sisa.toString(), "--out", tmp.resolve("after").toString(), "--no-generate",
                "--retain-logs", before.resolve(TofuEvalLog.EVAL_FILE).toString(), "--json"));
        assertThat(eval2.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(eval2.at("/summary/forget_Q_A_Prob").asDouble()).as("the author's shard retrained without them")
                .isLessThan(forgetProbability);
        // the same shards weighed by their posterior: the retained authors' answers come from the shard that holds them
        JsonNode posterior = json(Cli.run("lm", "eval", "--store", sisa.toString(), "--out", tmp.resolve("posterior").toString(),
                "--no-generate", "--shard-weighting", "posterior", "--retain-logs", before.resolve(TofuEvalLog.EVAL_FILE).toString(), "--json"));
        assertThat(posterior.at("/summary/retain_Q_A_Prob").asDouble()).as("posterior vs mean weighting, retain answers")
                .isGreaterThan(eval2.at("/summary/retain_Q_A_Prob").asDouble());

        // the ensemble answers a question, greedy and so the same twice, from the version the forget made
        String[] ask = {"lm", "generate", "--store", sisa.toString(), "--question", "Where was " + AUTHOR + " born?", "--max-tokens", "24", "--json"};
        JsonNode answer = json(Cli.run(ask));
        assertThat(answer.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(answer.get("tokens").asInt()).isBetween(1, 24);
        assertThat(json(Cli.run(ask)).get("text").asText()).isEqualTo(answer.get("text").asText());
        // and with the shards weighed by their posterior, greedy and so the same twice, from the same version
        String[] askPosterior = java.util.stream.Stream.concat(java.util.Arrays.stream(ask), java.util.stream.Stream.of("--shard-weighting", "posterior"))
                .toArray(String[]::new);
        JsonNode routed = json(Cli.run(askPosterior));
        assertThat(routed.get("modelVersion").asInt()).isEqualTo(2);
        assertThat(routed.get("tokens").asInt()).isBetween(1, 24);
        assertThat(json(Cli.run(askPosterior)).get("text").asText()).isEqualTo(routed.get("text").asText());

        Cli unlearn = Cli.run("lm", "unlearn", "--store", sisa.toString(), "--method", "npo", "--subject", AUTHOR);
        assertThat(unlearn.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unlearn.err()).contains("SISA store").contains("lethe forget");
        Cli wrongSubset = Cli.run("train", "--store", tmp.resolve("x").toString(), "--subset", "forget01+1");
        assertThat(wrongSubset.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(wrongSubset.err()).contains("--subset applies to --dataset tofu only");
    }
}
