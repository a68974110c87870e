package dev.lethe.torch.bench;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.metrics.RocAuc;
import dev.lethe.core.metrics.Stats;
import dev.lethe.core.seed.Seeds;
import dev.lethe.torch.eval.Evaluator;
import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.Prepared;
import dev.lethe.torch.method.TrainingHook;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every method on the same original model and the same random forget set, next to {@code retrain}:
 * forget, retain and test accuracy, the loss-threshold membership-inference AUC of forget records
 * against test records (Yeom et al. 2018: score = −loss; 0.5 = the forget set looks like unseen data,
 * which is what retraining achieves), and wall time as a share of {@code retrain}'s. A method's
 * {@linkplain UnlearningMethod#prepare preparation} — work on the trained model alone, done once after
 * training and reused by every removal — is timed apart from the removal.
 */
public final class MethodBenchmark {

    private MethodBenchmark() {
    }

    /**
     * One method's figures.
     *
     * @param method the method id ("original" for the model before unlearning)
     * @param forgetAccuracy accuracy on the forget set
     * @param retainAccuracy accuracy on the retain set
     * @param testAccuracy accuracy on the test set
     * @param miaAuc loss-threshold MIA AUC, forget (members) vs test (non-members)
     * @param seconds wall time of the removal (median of the repeats), given the prepared state
     * @param prepareSeconds wall time of {@link UnlearningMethod#prepare}, once per trained model (NaN for methods that
     *                       prepare nothing)
     * @param error why the method refused or failed, or null
     */
    public record Row(String method, double forgetAccuracy, double retainAccuracy, double testAccuracy, double miaAuc, double seconds,
                      double prepareSeconds, String error) {
    }

    /**
     * Runs the comparison; {@code methods} should start with {@code retrain} (the reference for the time
     * shares). Each method runs {@code repeats} times (same seed, so the same result) and its time is
     * the median. {@code options} are method options keyed {@code <method>.<field>}; each method gets
     * its own. With {@code perturbation} σ > 0 the original is trained with objective perturbation and
     * finished as the method that needs it says ({@link TrainingHook#forPerturbation}; Guo et al.'s, for {@code certified}).
     */
    public static List<Row> run(DatasetRef.Loaded data, ModelSpec spec, TrainConfig original, double perturbation, double forgetFraction,
                                List<UnlearningMethod<?>> methods, Map<String, String> options, long seed, int repeats) {
        RecordSet train = data.train();
        long pick = Seeds.derive(seed, "forget-set");
        RecordSet forget = train.filter("forget", i -> Seeds.unitInterval(pick ^ Seeds.hash(train.id(i))) < forgetFraction);
        RecordSet retain = train.filter("retain", i -> !(Seeds.unitInterval(pick ^ Seeds.hash(train.id(i))) < forgetFraction));
        UnlearningData unlearningData = new UnlearningData(forget, retain, data.test());
        List<Row> rows = new ArrayList<>();
        try (ModelHandle model = ModelHandle.create(spec, original.seed())) {
            try (TensorData all = TensorData.of(train, model.manager())) {
                TrainingHook hook = TrainingHook.forPerturbation(perturbation);
                new TrainLoop(original).run(model, all, hook.objective(original, perturbation, train.size()).orElse(Objectives.crossEntropy()));
                if (perturbation > 0) {
                    hook.finish(model, train, original, perturbation);
                }
            }
            rows.add(measure("original", model, unlearningData, Double.NaN));
            for (UnlearningMethod<?> method : methods) {
                UnlearningContext context = UnlearningContext.of(seed, original);
                long prepareStart = System.nanoTime();
                Optional<Prepared> prepared = Optional.empty();
                try {
                    // what depends only on the trained model is computed once, as after training, and timed apart
                    prepared = UnlearningRun.prepare(method, MethodOptions.addressedTo(method, options), model, train, context);
                    double prepareSeconds = prepared.isPresent() ? (System.nanoTime() - prepareStart) / 1e9 : Double.NaN;
                    double[] seconds = new double[repeats];
                    Row row = null;
                    for (int r = 0; r < repeats; r++) {
                        try (UnlearningRun run = UnlearningRun.run(method, MethodOptions.addressedTo(method, options), model, unlearningData,
                                context.withPrepared(prepared.orElse(null)))) {
                            seconds[r] = run.seconds();
                            if (row == null) {
                                row = measure(method.name(), run.model(), unlearningData, Double.NaN);
                            }
                        }
                    }
                    rows.add(new Row(row.method(), row.forgetAccuracy(), row.retainAccuracy(), row.testAccuracy(), row.miaAuc(),
                            Stats.median(seconds), prepareSeconds, null));
                } catch (RuntimeException e) {
                    rows.add(new Row(method.name(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, e.getMessage()));
                } finally {
                    prepared.ifPresent(Prepared::close);
                }
            }
        }
        return rows;
    }

    private static Row measure(String name, ModelHandle model, UnlearningData data, double seconds) {
        Evaluator evaluator = new Evaluator();
        try (TensorData f = TensorData.of(data.forget(), model.manager());
             TensorData r = TensorData.of(data.retain(), model.manager());
             TensorData t = TensorData.of(data.validation(), model.manager())) {
            double[] forgetLoss = evaluator.perRecordLosses(model, f);
            double[] testLoss = evaluator.perRecordLosses(model, t);
            return new Row(name, evaluator.evaluate(model, f).accuracy(), evaluator.evaluate(model, r).accuracy(),
                    evaluator.evaluate(model, t).accuracy(), RocAuc.of(negate(forgetLoss), negate(testLoss)), seconds, Double.NaN, null);
        }
    }

    private static double[] negate(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = -values[i];
        }
        return out;
    }
}
