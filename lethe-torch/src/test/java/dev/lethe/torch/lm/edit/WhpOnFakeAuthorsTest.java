package dev.lethe.torch.lm.edit;

import dev.lethe.core.lm.QaItem;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.Spread;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.lm.eval.QaRecords;
import dev.lethe.torch.lm.evidence.OutputFigures;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.method.Whp;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code whp} on {@link FakeAuthors}: distilling what the model predicts for made-up names in place of an author's
 * name takes that author's answers down and leaves the other authors' nearly as they were, from the author's real
 * pairs (with either retain term; bit-identically for a seed, with nothing left open) and from the name alone (entity
 * unlearning). Margins measured over seed shifts 0–2 are in docs/TESTING.md.
 */
class WhpOnFakeAuthorsTest {

    private static final String AUTHOR = "Zed Ox";
    /** A rate for the tiny gpt (the default is TOFU's), and α and the retain term pinned at the values the spread was measured with. */
    private static final Map<String, String> OPTIONS = Map.of("whp.learningRate", "3e-3", "whp.epochs", "5", "whp.alpha", "1",
            "whp.retainLoss", "nll");
    private static final LmScorer SCORER = new LmScorer(ByteTokenizer.INSTANCE, LmScorer.Options.teacherForcedOnly());

    @ParameterizedTest(name = "[retain term {0}]")
    @ValueSource(strings = {"nll", "kl"})
    void theAuthorsAnswersFallFarMoreThanTheOtherAuthorsAnswers(String retainLoss) {
        Map<String, String> options = new java.util.HashMap<>(OPTIONS);
        options.put("whp.retainLoss", retainLoss);
        ModelHandle model = FakeAuthors.trained();
        String digest = model.weightsDigest();
        List<QaItem> others = FakeAuthors.allBut(AUTHOR);
        UnlearningData data = new UnlearningData(QaRecords.of("zed", ByteTokenizer.INSTANCE, FakeAuthors.of(AUTHOR)),
                QaRecords.of("others", ByteTokenizer.INSTANCE, others), null, ByteTokenizer.NAME);
        double forgetBefore = probability(model, FakeAuthors.of(AUTHOR));
        double retainBefore = probability(model, others);
        try (UnlearningRun run = UnlearningRun.run(UnlearningMethods.get(Whp.NAME), options, model, data,
                UnlearningContext.of(Spread.seed(7), FakeAuthors.trainConfig()))) {
            double forgetDrop = forgetBefore - probability(run.model(), FakeAuthors.of(AUTHOR));
            double retainDrop = retainBefore - probability(run.model(), others);
            Spread.measure("whp(" + retainLoss + ") fake-authors forget drop", forgetDrop);
            Spread.measure("whp(" + retainLoss + ") fake-authors retain drop", retainDrop);
            assertThat(Spread.measure("whp(" + retainLoss + ") fake-authors forget drop - retain drop", forgetDrop - retainDrop))
                    .as("forget answer probability %.3f -> -%.3f, retain %.3f -> -%.3f", forgetBefore, forgetDrop, retainBefore, retainDrop)
                    .isGreaterThan(0.13);
            assertThat(run.model().manager().getManagedArrays()).as("nothing left open").hasSize(run.model().parameters().size());
            try (UnlearningRun again = UnlearningRun.run(UnlearningMethods.get(Whp.NAME), options, model, data,
                    UnlearningContext.of(Spread.seed(7), FakeAuthors.trainConfig()))) {
                assertThat(again.model().weightsDigest()).as("same seed, same weights").isEqualTo(run.model().weightsDigest());
            }
        }
        assertThat(model.weightsDigest()).as("the original is left as it was").isEqualTo(digest);
    }

    @Test
    void fromTheNameAloneTheEntitysUnseenPairsFallMoreThanTheRetainPairs() {
        EntityUnlearning unlearning = new EntityUnlearning(ByteTokenizer.INSTANCE, FakeAuthors.trainConfig(), 40);
        List<QaItem> retain = new java.util.ArrayList<>(FakeAuthors.of("Ann Lee"));
        retain.addAll(FakeAuthors.of("Bo Ray"));
        try (EntityUnlearning.Result result = unlearning.run(FakeAuthors.trained(), AUTHOR, UnlearningMethods.get(Whp.NAME), OPTIONS,
                retain, FakeAuthors.of(AUTHOR), Spread.seed(7))) {
            EntityReport report = result.report();
            assertThat(Spread.measure("whp fake-authors entity drop - retain drop", report.entityDrop() - report.retainDrop()))
                    .as(report.verdict()).isGreaterThan(0.16);
        }
    }

    @Test
    void anUnknownRetainTermIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> MethodOptions.parse(new Whp(), Map.of("whp.retainLoss", "mse")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whp.retainLoss").hasMessageContaining("nll or kl");
    }

    private static double probability(ModelHandle model, List<QaItem> pairs) {
        return OutputFigures.of(SCORER.score(model, pairs), null).answerProbability();
    }
}
