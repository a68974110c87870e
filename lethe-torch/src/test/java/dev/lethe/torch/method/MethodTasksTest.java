package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.task.NextTokenTask;
import dev.lethe.torch.task.NextTokenTaskTest;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.TinyLanguageModel;
import dev.lethe.torch.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MethodTasksTest {

    @Test
    void everyMethodUnlearnsClassifiersAndOnlyThoseWhoseLossesAllGoThroughTheTaskDeclareNextToken() {
        for (UnlearningMethod<?> m : UnlearningMethods.all()) {
            assertThat(m.tasks()).as(m.name()).startsWith(ClassificationTask.INSTANCE);
        }
        assertThat(UnlearningMethods.all().stream().filter(m -> m.tasks().contains(NextTokenTask.INSTANCE)).map(UnlearningMethod::name))
                .containsExactly(Retrain.NAME, Finetune.NAME, GradientAscent.NAME, GradientDifference.NAME);
    }

    @Test
    void theRunnerRefusesAMethodOnATaskItDoesNotSupportBeforeAnyWork() {
        RecordSet text = NextTokenTaskTest.sentences();
        UnlearningData data = new UnlearningData(text.select("forget", new int[]{0}), text.select("retain", new int[]{1, 2, 3}), null);
        try (ModelHandle model = TinyLanguageModel.create(20, 4, 1)) {
            String before = model.weightsDigest();
            assertThatThrownBy(() -> UnlearningRun.run(UnlearningMethods.get(Npo.NAME), Map.of(), model, data,
                    UnlearningContext.of(1, TrainConfig.defaults(1, 1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("method 'npo' does not support the next-token task (it supports classification); methods that do:"
                            + " retrain, finetune, grad-ascent, grad-diff");
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
}
