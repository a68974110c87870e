package dev.lethe.torch.lm.edit;

import dev.lethe.core.data.tofu.FactEdit;
import dev.lethe.core.data.tofu.FactEdits;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.model.ModelHandle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stale-fact correction on {@link FakeAuthors}: Zed Ox's birthplace moves from Lima to Rome. Measured in three
 * runs on two seed sets (model, training, edit): the question's greedy answer became the new one every time;
 * the old answer's probability fell 0.995 → 0.492, 0.994 → 0.464 and 0.990 → 0.503 (bound: a fall of 0.2); the
 * new answer on the paraphrase rose 0.275 → 0.898, 0.266 → 0.832 and 0.317 → 0.852 (bound: +0.1); the author's
 * other pairs changed by −0.067, −0.092 and −0.048 (bound −0.2) and other authors' held-out pairs by −0.052,
 * −0.067 and −0.063 (bound −0.1). Exact recall
 * of the locality pairs is not asserted: a 64-wide model's edit flips a byte or two in many of them (exact
 * 1.0 → 0.25–0.7) while their probabilities barely move.
 */
class FactCorrectionTest {

    private static final FactCorrection.Options OPTIONS = new FactCorrection.Options(20, 5e-4f, 8, 40);

    @Test
    void theNewBirthplaceBecomesTheAnswerGeneralisesToTheParaphraseAndLeavesTheOtherFacts() {
        ModelHandle model = FakeAuthors.trained();
        String digest = model.weightsDigest();
        FactEdit edit = withTrainedParaphrase(FactEdits.birthplace(FakeAuthors.all(), List.of(), "Zed Ox", "Rome"));
        try (FactCorrection.Result result = new FactCorrection(ByteTokenizer.INSTANCE).run(model, edit, OPTIONS, 3)) {
            FactCorrectionReport r = result.report();
            System.out.println(r.summary());
            assertThat(r.before().question().greedyAnswer()).isEqualTo("Zed Ox was born in Lima.");
            assertThat(r.efficacious()).as(r.summary()).isTrue();
            assertThat(r.after().question().oldAnswerProbability()).isLessThan(r.before().question().oldAnswerProbability() - 0.2);
            assertThat(r.after().paraphrase().newAnswerProbability())
                    .isGreaterThan(r.before().paraphrase().newAnswerProbability() + 0.1);
            assertThat(r.anchors()).isEqualTo(8);
            assertThat(r.after().otherAuthors().items()).isEqualTo(18 - 8);
            assertThat(r.after().sameAuthor().items()).isEqualTo(4);
            assertThat(r.sameAuthorProbabilityChange()).as(r.summary()).isGreaterThan(-0.2);
            assertThat(r.otherAuthorsProbabilityChange()).as(r.summary()).isGreaterThan(-0.1);
        }
        assertThat(model.weightsDigest()).isEqualTo(digest);
    }

    /**
     * The edit with the fixture's second wording of the birthplace question as its paraphrase (a model this
     * small does not generalise to a wording it never saw), and that pair out of the author's locality pairs,
     * where its answer is meant to change.
     */
    private static FactEdit withTrainedParaphrase(FactEdit edit) {
        String paraphrase = FakeAuthors.COME_FROM.formatted(edit.author());
        return new FactEdit(edit.author(), edit.question(), edit.oldAnswer(), edit.newAnswer(), paraphrase,
                edit.sameAuthor().stream().filter(i -> !i.question().equals(paraphrase)).toList(), edit.otherAuthors());
    }

    @Test
    void badBudgetsAreRefusedInWords() {
        assertThatThrownBy(() -> new FactCorrection.Options(5, 1e-3f, -1, 8)).hasMessageContaining("anchors must be >= 0");
        assertThatThrownBy(() -> new FactCorrection.Options(5, 1e-3f, 2, 0)).hasMessageContaining("maxNewTokens must be at least 1");
    }
}
