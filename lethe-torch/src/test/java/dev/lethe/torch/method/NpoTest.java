package dev.lethe.torch.method;

import dev.lethe.torch.Spread;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.task.ClassificationTask;
import dev.lethe.torch.train.Batch;
import dev.lethe.torch.train.TensorData;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code npo}: the loss is (2/β)·log 2 at the reference; the retain term (NPO+RT) is what keeps the rest; a share of the
 * update ({@link UpdateScale}) is exactly that share of the way from the original's weights to the full run's.
 */
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
                float loss = Scalars.mul(Distillation.softplus(Scalars.mul(logPi.sub(logPi), beta)).mean(), 2f / beta).getFloat();
                assertThat(loss).isCloseTo((float) (2 / beta * Math.log(2)), within(1e-5f));
            }
        }
    }

    @Test
    void plainNpoForgetsButKeepsLessOfTheRestThanNpoWithRetainTerm() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun plain = UnlearningRun.run(new Npo(), Map.of("retainWeight", "0", "updateScale", "1"), original, ClassForgetting.DATA,
                     ClassForgetting.context(2));
             UnlearningRun withRetain = UnlearningRun.run(new Npo(), Map.of("updateScale", "1"), original, ClassForgetting.DATA,
                     ClassForgetting.context(2))) {
            double[] p = ClassForgetting.accuracies(plain.model());
            double[] r = ClassForgetting.accuracies(withRetain.model());
            assertThat(Spread.measure("npo(no retain) forget-acc", p[0])).isLessThanOrEqualTo(0.20);
            assertThat(Spread.measure("npo retain-acc with - without retain term", r[1] - p[1])).isPositive();
        }
    }

    @Test
    void anUpdateScaleKeepsThatShareOfTheWayFromTheOriginalAndACalibratedRunSaysWhichItChose() {
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun full = UnlearningRun.run(new Npo(), Map.of("npo.updateScale", "1"), original, ClassForgetting.DATA,
                     ClassForgetting.context(2));
             UnlearningRun part = UnlearningRun.run(new Npo(), Map.of("npo.updateScale", "0.3"), original, ClassForgetting.DATA,
                     ClassForgetting.context(2));
             UnlearningRun calibrated = UnlearningRun.run(new Npo(), Map.of(), original, ClassForgetting.DATA, ClassForgetting.context(2))) {
            var o = original.parameters();
            var f = full.model().parameters();
            var p = part.model().parameters();
            double moved = 0;
            for (int i = 0; i < o.size(); i++) {
                float[] o0 = o.get(i).getValue().getArray().toFloatArray();
                float[] f0 = f.get(i).getValue().getArray().toFloatArray();
                float[] p0 = p.get(i).getValue().getArray().toFloatArray();
                for (int j = 0; j < o0.length; j++) {
                    assertThat(p0[j]).as("parameter %s[%d]", o.get(i).getKey(), j).isCloseTo(o0[j] + 0.3f * (f0[j] - o0[j]), within(1e-6f));
                    moved += Math.abs(f0[j] - o0[j]);
                }
            }
            assertThat(moved).as("the full run moved the weights").isGreaterThan(1.0);
            assertThat(part.options()).containsEntry("updateScale", 0.3f);
            Map<?, ?> calibration = (Map<?, ?>) calibrated.report().get("npo.calibration");
            assertThat(calibration).as("no scale set: it is chosen from the data").isNotNull();
            assertThat(calibration.get("option")).isEqualTo("npo.updateScale");
            assertThat(calibrated.options().get("updateScale")).isEqualTo(Float.parseFloat((String) calibration.get("value")));
            assertThat(full.report()).doesNotContainKey("npo.calibration");
        }
    }

    @Test
    void theScaleChosenOnOneTrainingRunIsTheModelTheRunReturns() {
        // With validation records the trials train on all of the retain set, as the run does: the calibration trains once
        // and scales copies, and the trial of the value it chose must describe the model returned, not a near one
        UnlearningData withValidation = new UnlearningData(ClassForgetting.DATA.forget(), ClassForgetting.DATA.retain(), ClassForgetting.TEST);
        try (ModelHandle original = ClassForgetting.original();
             UnlearningRun run = UnlearningRun.run(new Npo(), Map.of(), original, withValidation, ClassForgetting.context(2))) {
            Map<?, ?> calibration = (Map<?, ?>) run.report().get("npo.calibration");
            assertThat(calibration.get("keepCheck")).isEqualTo(StrengthCalibration.KEEP_VALIDATION);
            String chosen = (String) calibration.get("value");
            StrengthCalibration.Trial trial = ((java.util.List<?>) calibration.get("trials")).stream()
                    .map(t -> (StrengthCalibration.Trial) t).filter(t -> t.value().equals(chosen)).findFirst().orElseThrow();
            RecordSet kept = ClassForgetting.TEST.filter("kept", i -> ClassForgetting.TEST.label(i) != ClassForgetting.FORGOTTEN_CLASS);
            try (TensorData keptData = TensorData.of(kept, run.model().manager());
                 TensorData forget = TensorData.of(withValidation.forget(), run.model().manager())) {
                assertThat(new Evaluator().evaluate(run.model(), keptData).accuracy()).isEqualTo(trial.retainAccuracy());
                assertThat(new Evaluator().evaluate(run.model(), forget).accuracy()).isEqualTo(trial.forgetAccuracy());
            }
            try (UnlearningRun again = UnlearningRun.run(new Npo(), Map.of("npo.updateScale", chosen), original, withValidation,
                    ClassForgetting.context(2))) {
                assertThat(again.model().weightsDigest()).isEqualTo(run.model().weightsDigest());
            }
        }
    }
}
