package dev.lethe.torch.eval;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.mia.PopulationScore;
import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.eval.mia.PopulationAttack;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.model.ModelHandle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One model's accuracy and loss on the forget, retain and test sets, and the loss-threshold
 * membership-inference AUC of forget records (members) vs test records (non-members) — the figures
 * {@link RetrainComparison} compares with the retrained reference.
 *
 * @param forgetAccuracy accuracy on the forget set
 * @param forgetLoss mean cross-entropy on the forget set
 * @param retainAccuracy accuracy on the retain set
 * @param retainLoss mean cross-entropy on the retain set
 * @param testAccuracy accuracy on the test set
 * @param testLoss mean cross-entropy on the test set
 * @param miaAuc AUC of the loss attack (Yeom et al. 2018), forget vs test: 0.5 = the forget set looks unseen
 */
public record ModelScores(double forgetAccuracy, double forgetLoss, double retainAccuracy, double retainLoss, double testAccuracy,
                          double testLoss, double miaAuc) {

    /** The scores of {@code model} on {@code data.forget()}, {@code data.retain()} and {@code test}. */
    public static ModelScores of(ModelHandle model, UnlearningData data, RecordSet test) {
        Evaluation f = ModelOutputs.evaluate(model, data.forget());
        Evaluation r = ModelOutputs.evaluate(model, data.retain());
        Evaluation t = ModelOutputs.evaluate(model, test);
        AttackResult mia = new PopulationAttack(PopulationScore.LOSS).run(model, data.forget(), test);
        return new ModelScores(f.accuracy(), f.meanLoss(), r.accuracy(), r.meanLoss(), t.accuracy(), t.meanLoss(), mia.auc());
    }

    /**
     * The scores as an {@link UnlearningMetric} ({@code scores}): {@code forget-acc}, {@code forget-loss},
     * {@code retain-acc}, {@code retain-loss}, {@code test-acc}, {@code test-loss} and {@code mia-auc} of
     * the model under test. Needs a single model and a non-empty forget set.
     */
    public record Metric() implements UnlearningMetric {

        @Override
        public String name() {
            return "scores";
        }

        @Override
        public MetricValues measure(MetricInput input) {
            Optional<ModelHandle> model = input.subject().model();
            if (model.isEmpty() || input.forget().size() == 0) {
                return MetricValues.empty();
            }
            ModelScores s = ModelScores.of(model.get(), new UnlearningData(input.forget(), input.retain(), input.test()), input.test());
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("forget-acc", s.forgetAccuracy());
            f.put("forget-loss", s.forgetLoss());
            f.put("retain-acc", s.retainAccuracy());
            f.put("retain-loss", s.retainLoss());
            f.put("test-acc", s.testAccuracy());
            f.put("test-loss", s.testLoss());
            f.put("mia-auc", s.miaAuc());
            return MetricValues.finite(f);
        }

        /** The scores these figures describe. */
        public static ModelScores of(MetricValues values) {
            Map<String, Double> f = values.figures();
            return new ModelScores(nan(f, "forget-acc"), nan(f, "forget-loss"), nan(f, "retain-acc"), nan(f, "retain-loss"), nan(f, "test-acc"),
                    nan(f, "test-loss"), nan(f, "mia-auc"));
        }

        /** A figure left out because it was not finite reads as NaN again. */
        private static double nan(Map<String, Double> figures, String name) {
            return figures.getOrDefault(name, Double.NaN);
        }
    }
}
