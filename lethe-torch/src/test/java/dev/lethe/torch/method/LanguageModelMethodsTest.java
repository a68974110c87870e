package dev.lethe.torch.method;

import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.torch.Spread;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.NextTokenTaskTest;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The methods written over the task's loss, on a language model: the test family {@code tiny-lm} trained on
 * {@link TwoSubjectText}, one subject forgotten. Each method raises the forget subject's answer loss more than
 * the retain subject's, on a copy, bit-identically for one seed, leaving the original and its manager as
 * they were. The options are learning rates for a bigram table trained with Adam at 0.1 (the defaults are
 * set for the digits MLP and larger models, and move it too little) and, for rmu, a steering norm that
 * fits embeddings of width 16.
 */
class LanguageModelMethodsTest {

    /** With the KL retain term: smallest margins seen over seed shifts 0..2, 2.21 (npo) and 1.80 (simnpo); bounds at about half. */
    private static final double KL_NPO_MARGIN = 1.1;
    private static final double KL_SIMNPO_MARGIN = 0.9;

    /**
     * Each method with its options and the smallest margin asserted: (forget answer-loss rise) − (retain
     * answer-loss rise), in nats per token. Measured over seed shifts 0..2 (docs/TESTING.md); each bound is
     * about half the smallest margin seen (docs/TESTING.md has the table).
     */
    static Stream<Arguments> runs() {
        return Stream.of(
                // the forget loss stops rising at kl.lossCeiling (2.5 nats): 1.72..1.87 over shifts 0..2 and three kernel settings
                run(KlRetain.NAME, Map.of("kl.learningRate", "0.03", "kl.forgetWeight", "0.5", "kl.epochs", "5"), 0.9),
                run(Npo.NAME, Map.of("npo.learningRate", "0.03", "npo.retainWeight", "1", "npo.epochs", "5"), 1.1),
                run(SimNpo.NAME, Map.of("simnpo.learningRate", "0.03", "simnpo.epochs", "5"), 1.3),
                run("npo, kl retain term", Npo.NAME, Map.of("npo.learningRate", "0.03", "npo.retainWeight", "1", "npo.epochs", "5",
                        "npo.retainLoss", "kl"), KL_NPO_MARGIN),
                run("simnpo, kl retain term", SimNpo.NAME, Map.of("simnpo.learningRate", "0.03", "simnpo.epochs", "5",
                        "simnpo.retainWeight", "1", "simnpo.retainLoss", "kl"), KL_SIMNPO_MARGIN),
                run(Undial.NAME, Map.of("undial.learningRate", "0.03", "undial.epochs", "5"), 0.1),
                run(RepresentationMisdirection.NAME,
                        Map.of("rmu.learningRate", "0.1", "rmu.steeringScale", "5", "rmu.alpha", "1", "rmu.epochs", "5"), 0.5),
                run(IdkTuning.NAME, Map.of("idk.learningRate", "0.1"), 0.6));
    }

    private static Arguments run(String method, Map<String, String> options, double margin) {
        return run(method, method, options, margin);
    }

    private static Arguments run(String label, String method, Map<String, String> options, double margin) {
        return Arguments.of(Named.of(label, method), options, margin);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("runs")
    void raisesTheForgetSubjectsLossMoreThanTheRetainSubjectsOnACopyBitIdenticallyForASeed(String method, Map<String, String> options,
                                                                                          double margin) {
        UnlearningData data = TwoSubjectText.data();
        try (ModelHandle original = TwoSubjectText.trained()) {
            String before = original.weightsDigest();
            int arraysBefore = original.manager().getManagedArrays().size();
            double forgetBefore = TwoSubjectText.answerLoss(original, data.forget());
            double retainBefore = TwoSubjectText.answerLoss(original, data.retain());
            String first;
            try (UnlearningRun run = UnlearningRun.run(UnlearningMethods.get(method), options, original, data, context())) {
                double forgetRise = TwoSubjectText.answerLoss(run.model(), data.forget()) - forgetBefore;
                double retainRise = TwoSubjectText.answerLoss(run.model(), data.retain()) - retainBefore;
                assertThat(Spread.measure(method + (options.containsKey(method + ".retainLoss") ? " " + options.get(method + ".retainLoss") : "") + " tiny-lm forget rise - retain rise",
                        forgetRise - retainRise))
                        .as("[%s] forget answer loss +%.3f, retain +%.3f", method, forgetRise, retainRise).isGreaterThan(margin);
                assertThat(run.report().keySet()).allSatisfy(k -> assertThat(k).startsWith(method + "."));
                assertThat(run.model().manager().getManagedArrays()).hasSize(run.model().parameters().size());
                first = run.model().weightsDigest();
            }
            try (UnlearningRun again = UnlearningRun.run(UnlearningMethods.get(method), options, original, data, context())) {
                assertThat(again.model().weightsDigest()).as("[%s] same seed, same weights", method).isEqualTo(first);
            }
            assertThat(original.weightsDigest()).isEqualTo(before);
            assertThat(original.manager().getManagedArrays()).hasSize(arraysBefore);
        }
    }

    /** The retain term is one of two losses; any other is refused with the choices, before anything runs. */
    @Test
    void anUnknownRetainLossIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> MethodOptions.parse(new Npo(), Map.of("npo.retainLoss", "mse")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("npo.retainLoss").hasMessageContaining("nll or kl");
        assertThatThrownBy(() -> MethodOptions.parse(new SimNpo(), Map.of("simnpo.retainLoss", "KL")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("simnpo.retainLoss").hasMessageContaining("nll or kl");
    }

    /** A repair phase fine-tunes on the retain set after the forget phase: the retain answers end up likelier than without it. */
    @Test
    void aRepairPhaseBringsTheRetainAnswersBackAndLeavesTheForgetAnswersForgotten() {
        UnlearningData data = TwoSubjectText.data();
        Map<String, String> forgetPhase = Map.of("simnpo.learningRate", "0.03", "simnpo.epochs", "5");
        Map<String, String> withRepair = new java.util.HashMap<>(forgetPhase);
        withRepair.put("simnpo.repairEpochs", "3");
        try (ModelHandle original = TwoSubjectText.trained();
             UnlearningRun plain = UnlearningRun.run(new SimNpo(), forgetPhase, original, data, context());
             UnlearningRun repaired = UnlearningRun.run(new SimNpo(), withRepair, original, data, context())) {
            double retainGain = TwoSubjectText.answerLoss(plain.model(), data.retain()) - TwoSubjectText.answerLoss(repaired.model(), data.retain());
            double forgetRise = TwoSubjectText.answerLoss(repaired.model(), data.forget()) - TwoSubjectText.answerLoss(original, data.forget());
            assertThat(Spread.measure("simnpo(repair 3) tiny-lm retain answer-loss gain", retainGain)).isGreaterThan(0.01);
            assertThat(Spread.measure("simnpo(repair 3) tiny-lm forget rise", forgetRise)).isGreaterThan(1.3);
        }
    }

    /** idk teaches refusals: after it the forget questions' refusal answers are far likelier than before. */
    @Test
    void idkMakesTheRefusalsLikelyAnswersToTheForgetQuestions() {
        UnlearningData data = TwoSubjectText.data();
        RecordSet refused = Refusals.answering(data.forget(), ByteTokenizer.INSTANCE, 99);
        try (ModelHandle original = TwoSubjectText.trained();
             UnlearningRun run = UnlearningRun.run(new IdkTuning(), Map.of("idk.learningRate", "0.1"), original, data, context())) {
            double drop = TwoSubjectText.answerLoss(original, refused) - TwoSubjectText.answerLoss(run.model(), refused);
            assertThat(Spread.measure("idk tiny-lm refusal answer-loss drop", drop)).isGreaterThan(1.5);
        }
    }

    /** The language-model-only method keeps MethodBaseTest's promise on its own data: a cancelled run closes its copy. */
    @Test
    void aCancelledIdkRunClosesTheModelItStartedFrom() {
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();
        try (ModelHandle original = TwoSubjectText.trained()) {
            int before = original.manager().getManagedArrays().size();
            assertThatThrownBy(() -> UnlearningRun.run(new IdkTuning(), Map.of(), original, TwoSubjectText.data(),
                    new UnlearningContext(3, TwoSubjectText.CONFIG, TrainListener.NONE, cancelled)))
                    .isInstanceOf(CancellationException.class);
            assertThat(original.manager().getManagedArrays()).hasSize(before);
        }
    }

    /** Each forget record keeps its question and ids and gets one of the twenty refusals as its counted answer. */
    @Test
    void refusalsKeepTheQuestionAndReplaceTheAnswer() {
        RecordSet forget = TwoSubjectText.data().forget();
        RecordSet refused = Refusals.answering(forget, ByteTokenizer.INSTANCE, 1);
        assertThat(refused.ids()).isEqualTo(forget.ids());
        assertThat(Refusals.ANSWERS).hasSize(20).doesNotHaveDuplicates();
        for (int i = 0; i < forget.size(); i++) {
            String original = text(forget, i);
            String question = original.substring(0, original.indexOf("Answer: ") + "Answer: ".length());
            String answer = text(refused, i).substring(question.length());
            assertThat(text(refused, i)).startsWith(question);
            assertThat(answer).endsWith("\n");
            assertThat(Refusals.ANSWERS).contains(answer.substring(0, answer.length() - 1));
            assertThat(((NextTokenTargets) refused.targets()).counts(i, question.length())).isTrue();
            assertThat(((NextTokenTargets) refused.targets()).counts(i, question.length() - 1)).isFalse();
        }
    }

    @Test
    void idkRefusesATokenizerWiderThanTheRecordsVocabulary() {
        RecordSet sentences = NextTokenTaskTest.sentences();
        assertThatThrownBy(() -> Refusals.answering(sentences, ByteTokenizer.INSTANCE, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer 'bytes' has 256 ids but sentences has a vocabulary of")
                .hasMessageContaining("name the tokenizer the records were made with");
    }

    private static String text(RecordSet records, int i) {
        return ByteTokenizer.INSTANCE.decode(((TokenSequences) records.content()).tokens(i));
    }

    private static UnlearningContext context() {
        return UnlearningContext.of(Spread.seed(3), TwoSubjectText.CONFIG);
    }
}
