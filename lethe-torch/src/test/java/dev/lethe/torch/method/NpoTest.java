package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code npo}: the loss is (2/β)·log 2 at the reference; the retain term (NPO+RT) is what keeps the rest. */
class NpoTest {

    @Test
    void lossAtTheReferenceIsTwoOverBetaLogTwoAndSoftplusIsStable() {
        try (ModelHandle model = ClassForgetting.original(); NDManager m = model.manager().newSubManager()) {
            NDArray x = m.create(new float[]{-100f, 0f, 100f});
            assertThat(Distillation.softplus(x).toFloatArray()).containsExactly(new float[]{0f, (float) Math.log(2), 100f}, within(1e-6f));
            float beta = 0.5f;
            try (TensorData forget = TensorData.of(ClassForgetting.DATA.forget(), m)) {
                Batch batch = forget.range(0, forget.size(), m);
                NDArray logPi = CountedPositions.logLikelihood(ClassificationTask.INSTANCE, model.forward(batch.inputs(), false), batch);
                float loss = Distillation.softplus(logPi.sub(logPi).mul(beta)).mean().mul(2f / beta).getFloat();
                assertThat(loss).isCloseTo((float) (2 / beta * Math.log(2)), within(1e-5f));
            }
        }
    }

    @Test
    void plainNpoForgetsButKeepsLessOfTheRestThanNpoWithRetainTerm() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun plain = UnlearningRun.run(new Npo(), Map.of("retainWeight", "0"), original, ClassForgetting.DATA,
                     ClassForgetting.context(2));
             UnlearningRun withRetain = UnlearningRun.run(new Npo(), Map.of(), original, ClassForgetting.DATA, ClassForgetting.context(2))) {
            double[] p = ClassForgetting.accuracies(plain.model());
            double[] r = ClassForgetting.accuracies(withRetain.model());
            assertThat(Spread.measure("npo(no retain) forget-acc", p[0])).isLessThanOrEqualTo(0.20);
            assertThat(Spread.measure("npo retain-acc with - without retain term", r[1] - p[1])).isPositive();
        }
    }
}
