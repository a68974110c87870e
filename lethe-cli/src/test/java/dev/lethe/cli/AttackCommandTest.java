package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.store.Store;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lethe attack} on a trained single-model store: each family of attacks, JSON and for people, and bad input. */
class AttackCommandTest {

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
    void theLossAttackOnEveryTrainingRecordPrintsAucAndLowFprRates() throws Exception {
        Cli r = Cli.run("attack", "--store", store.toString(), "--attack", "loss", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.at("/result/attack").asText()).isEqualTo("loss");
        assertThat(doc.at("/result/auc").asDouble()).isBetween(0.4, 1.0);
        assertThat(doc.at("/result/members").asInt()).isGreaterThan(1000);
        assertThat(doc.at("/result/nonMembers").asInt()).isGreaterThan(300);
        assertThat(doc.at("/result/tprAtTenthPercentFpr").isNumber()).isTrue();

        // each record's score, by id: the members (the selected label), then the test records; the file gives the same AUC
        Path perRecord = dir.resolve("loss-scores.csv");
        Cli scored = Cli.run("attack", "--store", store.toString(), "--attack", "loss", "--label", "3", "--per-record", perRecord.toString(),
                "--json");
        assertThat(scored.exitCode()).as(scored.err()).isZero();
        JsonNode scoredDoc = JSON.readTree(scored.out());
        java.util.List<String> lines = Files.readAllLines(perRecord);
        assertThat(lines.get(0)).isEqualTo("id,subject,member,score");
        int memberCount = scoredDoc.at("/result/members").asInt();
        assertThat(lines).hasSize(1 + memberCount + scoredDoc.at("/result/nonMembers").asInt());
        java.util.List<Double> in = new java.util.ArrayList<>();
        java.util.List<Double> out = new java.util.ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            (Boolean.parseBoolean(f[2]) ? in : out).add(Double.parseDouble(f[3]));
        }
        assertThat(in).hasSize(memberCount);
        assertThat(lines.get(1)).startsWith("digits-");
        double auc = dev.lethe.core.metrics.RocCurve.of(in.stream().mapToDouble(Double::doubleValue).toArray(),
                out.stream().mapToDouble(Double::doubleValue).toArray()).auc();
        assertThat(auc).isEqualTo(scoredDoc.at("/result/auc").asDouble());
        Cli notPerRecord = Cli.run("attack", "--store", store.toString(), "--attack", "learned", "--per-record", perRecord.toString());
        assertThat(notPerRecord.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(notPerRecord.err()).contains("does not score each record once");

        Cli people = Cli.run("attack", "--store", store.toString(), "--attack", "modified-entropy");
        assertThat(people.exitCode()).as(people.err()).isZero();
        assertThat(people.out()).contains("AUC", "TPR@1%", "TPR@0.1%");
    }

    @Test
    void theLearnedAttackReportsTheMiaEfficacyOfTheSelectedRecords() throws Exception {
        Cli r = Cli.run("attack", "--store", store.toString(), "--attack", "learned", "--label", "3", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("miaEfficacy").asDouble()).isBetween(0.0, 1.0);
        assertThat(doc.required("heldOut").required("auc").asDouble()).isBetween(0.0, 1.0);
        assertThat(doc.at("/result/members").asInt()).isBetween(100, 200);
    }

    @Test
    void uLiraTellsRetrainingFromRetrainingApartNoBetterThanChance() throws Exception {
        Cli r = Cli.run("attack", "--store", store.toString(), "--attack", "u-lira", "--method", "retrain", "--shadows", "3",
                "--label", "5", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("method").asText()).isEqualTo("retrain");
        assertThat(doc.get("shadows").asInt()).isEqualTo(3);
        // retrain is what U-LiRA compares against: its records are indistinguishable (AUC ≈ 0.5)
        assertThat(doc.at("/result/auc").asDouble()).isBetween(0.35, 0.65);

        Cli noMethod = Cli.run("attack", "--store", store.toString(), "--attack", "u-lira", "--label", "5");
        assertThat(noMethod.exitCode()).isEqualTo(2);
        assertThat(noMethod.err()).contains("u-lira needs --method ID");
        Cli badOption = Cli.run("attack", "--store", store.toString(), "--attack", "u-lira", "--method", "grad-diff",
                "--opt", "grad-diff.nope=1", "--label", "5");
        assertThat(badOption.exitCode()).isEqualTo(2);
    }

    @Test
    void liraAndTheShadowAttackRunWithFewShadows() throws Exception {
        Cli lira = Cli.run("attack", "--store", store.toString(), "--attack", "lira-offline", "--shadows", "2", "--label", "5", "--json");
        assertThat(lira.exitCode()).as(lira.err()).isZero();
        JsonNode doc = JSON.readTree(lira.out());
        assertThat(doc.get("shadows").asInt()).isEqualTo(2);
        assertThat(doc.at("/result/attack").asText()).isEqualTo("lira-offline");
        assertThat(doc.required("result").required("auc").asDouble()).isBetween(0.0, 1.0);

        Cli shadow = Cli.run("attack", "--store", store.toString(), "--attack", "shadow", "--shadows", "1", "--label", "5");
        assertThat(shadow.exitCode()).as(shadow.err()).isZero();
        assertThat(shadow.out()).contains("shadow", "AUC");
    }

    @Test
    void evalWithAReferenceStorePrintsTheRetrainComparison() throws Exception {
        Path unlearned = dir.resolve("unlearned");
        Path retrained = dir.resolve("retrained");
        for (Path p : new Path[]{unlearned, retrained}) {
            assertThat(Cli.run("train", "--store", p.toString(), "--epochs", "10", "--model", "mlp:64").exitCode()).isZero();
        }
        // a comparison needs the original model: the stores keep it explicitly (an erasure would delete it)
        Path erased = dir.resolve("erased");
        Store.open(unlearned).copyTo(erased);
        assertThat(Cli.run("unlearn", "--store", retrained.toString(), "--method", "retrain", "--label", "3", "--keep-previous").exitCode()).isZero();
        assertThat(Cli.run("unlearn", "--store", unlearned.toString(), "--method", "grad-ascent", "--label", "3", "--keep-previous").exitCode()).isZero();
        assertThat(Cli.run("unlearn", "--store", erased.toString(), "--method", "grad-ascent", "--label", "3").exitCode()).isZero();
        Cli noOriginal = Cli.run("eval", "--store", erased.toString(), "--reference", retrained.toString(), "--label", "3");
        assertThat(noOriginal.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noOriginal.err()).contains("original model (version 1)").contains("--keep-previous");

        Cli r = Cli.run("eval", "--store", unlearned.toString(), "--reference", retrained.toString(), "--label", "3", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode c = JSON.readTree(r.out()).get("comparison");
        assertThat(c.required("reference").required("forgetAccuracy").asDouble()).isLessThan(0.1);
        assertThat(c.get("averageGap").asDouble()).isBetween(0.0, 1.0);
        assertThat(c.get("weightDistance").asDouble()).isPositive();
        // grad-ascent left the forget loss above the original's (the target): relearning it takes steps
        assertThat(c.at("/modelRelearn/steps").asLong()).isPositive();

        Cli self = Cli.run("eval", "--store", retrained.toString(), "--reference", retrained.toString(), "--label", "3");
        assertThat(self.exitCode()).as(self.err()).isZero();
        assertThat(self.out()).contains("average gap", "0.0000", "relearn steps");
        Cli noForgetSet = Cli.run("eval", "--store", retrained.toString(), "--reference", retrained.toString());
        assertThat(noForgetSet.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void aReferenceThatDidNotRemoveTheSameRecordsIsRefused() throws Exception {
        Path original = dir.resolve("original");
        Path retrained = dir.resolve("retrained-5");
        for (Path p : new Path[]{original, retrained}) {
            assertThat(Cli.run("train", "--store", p.toString(), "--epochs", "2", "--model", "mlp:16").exitCode()).isZero();
        }
        assertThat(Cli.run("unlearn", "--store", retrained.toString(), "--method", "retrain", "--label", "5").exitCode()).isZero();

        // A reference that still holds the forget set (no receipt): refused
        Cli holds = Cli.run("eval", "--store", retrained.toString(), "--reference", original.toString(), "--label", "5");
        assertThat(holds.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(holds.err()).contains("has no unlearning receipt").contains("may still hold the").contains("lethe unlearn --method retrain");

        // A reference that removed other records: refused, naming both digests
        Cli other = Cli.run("eval", "--store", original.toString(), "--reference", retrained.toString(), "--label", "6");
        assertThat(other.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(other.err()).contains("removed").contains("not the").contains("forget records selected here");

        // The same records: accepted
        Cli same = Cli.run("eval", "--store", original.toString(), "--reference", retrained.toString(), "--label", "5");
        assertThat(same.exitCode()).as(same.err()).isZero();
    }

    @Test
    void anUnknownAttackOrAnEmptySelectionIsBadInput() {
        Cli help = Cli.run("attack", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: lethe attack", "--shadows", "--label");
        Cli unknown = Cli.run("attack", "--store", store.toString(), "--attack", "telepathy");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknown.err()).contains("lira-online");
        Cli none = Cli.run("attack", "--store", store.toString(), "--attack", "loss", "--record", "no-such-record");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    }
}
