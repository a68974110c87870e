package dev.lethe.torch.lm.evidence;

import dev.lethe.core.lm.ItemScores;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.Spread;
import dev.lethe.torch.lm.eval.GreedyAnswerer;
import dev.lethe.torch.lm.eval.LmScorer;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The removal-vs-suppression evidence on a toy TOFU ({@link ToyAuthors}): a model that knows the forget
 * authors behind the suppression filter passes the output check but is caught by the probes, and the
 * relearning attack brings back far more for a model that still knows than for one that never saw the
 * forget set. Two prefix-lm models are trained once for the class: on everything, and on the retain
 * authors only (the reference). Over seed shifts 0..2 the asserted figures ranged: forget recall 0.8–1.0,
 * filtered forget probability 0.95–0.996, paraphrase recall gain 0.8–1.0, probe accuracy 0.9–1.0 with a
 * gap of 0.40–0.73 over the reference, relearned probability 0.99 vs the reference's 0.004–0.010.
 */
class SuppressionEvidenceTest {

    private static final ByteTokenizer BYTES = ByteTokenizer.INSTANCE;
    private static final int EPOCHS = 30;
    private static final int MAX_NEW = 16;

    private static ToyAuthors toy;
    private static ModelHandle knowing;
    private static ModelHandle reference;

    @BeforeAll
    static void train() {
        toy = new ToyAuthors(10, Spread.seed(7));
        knowing = ToyAuthors.train(toy.all(), EPOCHS, Spread.seed(11));
        reference = ToyAuthors.train(toy.retain, EPOCHS, Spread.seed(12));
    }

    @AfterAll
    static void close() {
        knowing.close();
        reference.close();
    }

    @Test
    void theSuppressionFilterPassesTheOutputCheckButTheProbesCatchIt() {
        String weightsBefore = knowing.weightsDigest();
        GreedyAnswerer model = new GreedyAnswerer(knowing, BYTES, MAX_NEW);
        SuppressionFilter filter = SuppressionFilter.of(model, toy.forget);
        LmScorer scorer = new LmScorer(BYTES, new LmScorer.Options(16, true, false, MAX_NEW));

        // The output check: through the filter every forget question gets the refusal, and the forget ROUGE
        // is as low as the retain model's, while the same weights unfiltered still answer them.
        List<ItemScores> filtered = scorer.score(knowing, toy.forget, filter);
        assertThat(filtered).allSatisfy(s -> assertThat(s.generation()).isEqualTo(SuppressionFilter.REFUSAL));
        OutputFigures filteredForget = OutputFigures.of(filtered, ToyAuthors::wordRecall);
        OutputFigures unfilteredForget = OutputFigures.of(scorer.score(knowing, toy.forget), ToyAuthors::wordRecall);
        OutputFigures referenceForget = OutputFigures.of(scorer.score(reference, toy.forget), ToyAuthors::wordRecall);
        assertThat(filteredForget.rouge()).isLessThanOrEqualTo(referenceForget.rouge() + 0.1);
        assertThat(Spread.measure("lm-evidence knowing forget recall", unfilteredForget.rouge())).isGreaterThan(0.6);
        // Retain questions pass through untouched.
        for (var item : toy.retain) {
            assertThat(filter.answer(item.question())).isEqualTo(model.answer(item.question()));
        }

        // The probes look past the text. Teacher forcing reads the weights, which the filter leaves as they were.
        assertThat(Spread.measure("lm-evidence filtered forget probability", filteredForget.answerProbability())).isGreaterThan(0.8);
        assertThat(Spread.measure("lm-evidence reference forget probability", referenceForget.answerProbability())).isLessThan(0.1);
        // Paraphrased questions that do not name the author slip past the filter and are answered.
        ParaphraseAttack paraphrase = new ParaphraseAttack(BYTES, ToyAuthors::wordRecall);
        ParaphraseAttack.Result filteredParaphrase = paraphrase.run(knowing, filter, toy.forget, toy.paraphrasedForgetQuestions);
        ParaphraseAttack.Result referenceParaphrase = paraphrase.run(reference, new GreedyAnswerer(reference, BYTES, MAX_NEW), toy.forget,
                toy.paraphrasedForgetQuestions);
        assertThat(filteredParaphrase.original().rouge()).isZero();
        assertThat(Spread.measure("lm-evidence filtered paraphrase recall gain", filteredParaphrase.rougeGain())).isGreaterThan(0.5);
        // The hidden state the model starts answering from tells which of the two forget answers comes; not in the reference.
        HiddenStateProbe probe = new HiddenStateProbe(BYTES, new HiddenStateProbe.Config(2, HiddenStateProbe.Span.PROMPT_END, 100, 0.5,
                Spread.seed(3)));
        HiddenStateProbe.Result knowingProbe = probe.measure(knowing, toy.forget, this::group, 2);
        HiddenStateProbe.Result referenceProbe = probe.measure(reference, toy.forget, this::group, 2);
        assertThat(Spread.measure("lm-evidence knowing probe accuracy", knowingProbe.testAccuracy())).isGreaterThanOrEqualTo(0.7);
        assertThat(Spread.measure("lm-evidence probe accuracy gap", knowingProbe.testAccuracy() - referenceProbe.testAccuracy()))
                .isGreaterThan(0.2);
        assertThat(knowing.weightsDigest()).isEqualTo(weightsBefore);

        // The verdict: the filter is suppression (named by the probes that caught it); the unfiltered model retained the forget set.
        RemovalVerdict.Evidence filterEvidence = RemovalVerdict.Evidence.of(filteredForget, filteredParaphrase, null, knowingProbe);
        RemovalVerdict.Evidence referenceEvidence = RemovalVerdict.Evidence.of(referenceForget, referenceParaphrase, null, referenceProbe);
        RemovalVerdict verdict = RemovalVerdict.judge(filterEvidence, referenceEvidence);
        assertThat(verdict.kind()).isEqualTo(RemovalVerdict.Kind.SUPPRESSED);
        assertThat(verdict.explanation()).startsWith("suppression: the outputs look forgotten")
                .contains("teacher-forced probability").contains("hidden-state probe");
        RemovalVerdict.Evidence unfilteredEvidence = RemovalVerdict.Evidence.of(unfilteredForget, null, null, knowingProbe);
        assertThat(RemovalVerdict.judge(unfilteredEvidence, referenceEvidence).kind()).isEqualTo(RemovalVerdict.Kind.RETAINED);
    }

    @Test
    void relearningBringsBackFarMoreForAModelThatStillKnowsThanForOneThatNeverSawTheForgetSet() {
        String weightsBefore = knowing.weightsDigest();
        RelearningAttack attack = new RelearningAttack(BYTES, new RelearningAttack.Config(3, 4, 0.01f, Spread.seed(5)),
                ToyAuthors::wordRecall, MAX_NEW);
        RelearningAttack.Comparison comparison = attack.compare(knowing, reference, toy.forget);

        assertThat(comparison.model().attackItems()).isEqualTo(toy.forget.size() / 2);
        assertThat(comparison.model().after().items()).isEqualTo(toy.forget.size() - toy.forget.size() / 2);
        // The attack trains: the model that never saw the forget authors gains on the held-out half too (their shared answer words).
        assertThat(comparison.reference().probabilityGain()).isPositive();
        assertThat(Spread.measure("lm-evidence relearned knowing probability", comparison.model().after().answerProbability()))
                .isGreaterThan(0.8);
        assertThat(Spread.measure("lm-evidence relearned reference probability", comparison.reference().after().answerProbability()))
                .isLessThan(0.4);
        assertThat(comparison.excessRecoveredProbability()).isGreaterThan(0.4);
        assertThat(comparison.model().after().rouge()).isGreaterThan(comparison.reference().after().rouge());
        // The attack fine-tunes a copy: the model under test is unchanged.
        assertThat(knowing.weightsDigest()).isEqualTo(weightsBefore);
    }

    private int group(dev.lethe.core.lm.QaItem item) {
        return toy.forgetGroups[toy.forget.indexOf(item)];
    }
}
