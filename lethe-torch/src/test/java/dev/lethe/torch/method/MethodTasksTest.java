package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.torch.Spread;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.task.NextTokenTaskTest;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.TinyLanguageModel;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MethodTasksTest {

    @Test
    void everyMethodButIdkAndWhpUnlearnsClassifiersAndOnlyThoseWhoseLossesAllGoThroughTheTaskDeclareNextToken() {
        for (UnlearningMethod<?> m : UnlearningMethods.all()) {
            if (m.name().equals(IdkTuning.NAME) || m.name().equals(Whp.NAME)) {
                assertThat(m.tasks()).as(m.name() + " rewrites answers or names: language models only").containsExactly(NextTokenTask.INSTANCE);
            } else {
                assertThat(m.tasks()).as(m.name()).startsWith(ClassificationTask.INSTANCE);
            }
        }
        assertThat(UnlearningMethods.all().stream().filter(m -> m.tasks().contains(NextTokenTask.INSTANCE)).map(UnlearningMethod::name))
                .containsExactly(Retrain.NAME, Finetune.NAME, GradientAscent.NAME, GradientDifference.NAME, KlRetain.NAME, Npo.NAME,
                        SimNpo.NAME, Undial.NAME, RepresentationMisdirection.NAME, IdkTuning.NAME, Whp.NAME);
    }

    @Test
    void theRunnerRefusesAMethodOnATaskItDoesNotSupportBeforeAnyWork() {
        RecordSet text = NextTokenTaskTest.sentences();
        UnlearningData data = new UnlearningData(text.select("forget", new int[]{0}), text.select("retain", new int[]{1, 2, 3}), null);
        try (ModelHandle model = TinyLanguageModel.create(20, 4, 1)) {
            String before = model.weightsDigest();
            assertThatThrownBy(() -> UnlearningRun.run(UnlearningMethods.get(Scrub.NAME), Map.of(), model, data,
                    UnlearningContext.of(1, TrainConfig.defaults(1, 1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("method 'scrub' does not support the next-token task (it supports classification); methods that do:"
                            + " retrain, finetune, grad-ascent, grad-diff, kl, npo, simnpo, undial, rmu, idk, whp");
            assertThat(model.weightsDigest()).isEqualTo(before);
        }
    }

    @Test
    void theRefusalNamesTheTaskOfTheForgetSet() {
        Task task = NextTokenTask.INSTANCE;
        assertThatThrownBy(() -> UnlearningRun.requireTask(UnlearningMethods.get(Scrub.NAME), task))
                .hasMessageContaining("method 'scrub' does not support the next-token task");
        assertThatCode(() -> UnlearningRun.requireTask(UnlearningMethods.get(GradientAscent.NAME), task)).doesNotThrowAnyException();
        assertThatCode(() -> UnlearningRun.requireTask(UnlearningMethods.get(Scrub.NAME), ClassificationTask.INSTANCE))
                .doesNotThrowAnyException();
    }

    /**
     * The room for language models, end to end: a token-sequence model of a registered family (the test
     * family {@code tiny-lm}) goes through the one runner, which copies it, and each method that declares
     * the next-token task raises the forget sentence's token loss while the original stays untouched.
     */
    @Test
    void theNextTokenMethodsUnlearnALanguageModelsForgetSentenceOnACopy() {
        RecordSet text = NextTokenTaskTest.sentences();
        int vocabulary = ((TokenSequences) text.content()).vocabularySize();
        UnlearningData data = new UnlearningData(text.select("forget", new int[]{0}), text.select("retain", new int[]{1, 2, 3, 4, 5}), null);
        TrainConfig config = new TrainConfig(60, 3, OptimizerKind.ADAM, 0.1f, 0f, 0f, Spread.seed(11));
        try (ModelHandle model = TinyLanguageModel.create(vocabulary, 16, Spread.seed(5));
             TensorData all = TensorData.of(text, model.manager())) {
            new TrainLoop(config).run(model, all, NextTokenTask.INSTANCE.objective());
            String trained = model.weightsDigest();
            double forgetBefore = tokenLoss(model, data.forget());
            double retainBefore = tokenLoss(model, data.retain());
            // Learning rates for a bigram table trained with Adam at 0.1; the classifier defaults move it too little.
            Map<String, Map<String, String>> options = Map.of(
                    GradientAscent.NAME, Map.of("grad-ascent.learningRate", "1"),
                    GradientDifference.NAME, Map.of("grad-diff.learningRate", "0.1", "grad-diff.forgetWeight", "0.5"));
            for (String method : List.of(GradientAscent.NAME, GradientDifference.NAME)) {
                try (UnlearningRun run = UnlearningRun.run(UnlearningMethods.get(method), options.get(method), model, data,
                        UnlearningContext.of(Spread.seed(3), config))) {
                    double forgetAfter = tokenLoss(run.model(), data.forget());
                    double retainAfter = tokenLoss(run.model(), data.retain());
                    // Measured over seed shifts 0..2 and three kernel paths (docs/TESTING.md): the forget sentence's token
                    // loss rises 5.1..6.8 nats under grad-ascent and 1.8..1.9 under grad-diff, whose retain term holds the
                    // retain sentences back (their rise is 1.1..1.3 nats smaller).
                    assertThat(Spread.measure(method + " tiny-lm forget token-loss rise", forgetAfter - forgetBefore)).as(method).isGreaterThan(0.5);
                    if (method.equals(GradientDifference.NAME)) {
                        assertThat(Spread.measure("grad-diff tiny-lm forget rise - retain rise", (forgetAfter - forgetBefore) - (retainAfter - retainBefore)))
                                .as("grad-diff's forget rise over its retain rise").isGreaterThan(0);
                    }
                }
                assertThat(model.weightsDigest()).as("the original after " + method).isEqualTo(trained);
            }
        }
    }

    private static double tokenLoss(ModelHandle model, RecordSet records) {
        try (TensorData data = TensorData.of(records, model.manager())) {
            return new Evaluator().metrics(model, data).value("token-loss");
        }
    }
}
