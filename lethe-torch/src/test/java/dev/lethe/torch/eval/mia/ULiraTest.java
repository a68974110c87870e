package dev.lethe.torch.eval.mia;

import dev.lethe.torch.Spread;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.eval.Overfit;
import dev.lethe.torch.method.Guarantee;
import dev.lethe.torch.method.MethodBase;
import dev.lethe.torch.method.Retrain;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningData;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** U-LiRA cannot tell {@code retrain} from retraining, and tells a method that does nothing from it at once. */
class ULiraTest {

    /** 30 forget records; retain sets are random halves of 240 others. */
    static final RecordSet FORGET = Overfit.HELD_OUT_B.filter("forget", i -> i < 30);
    static final RecordSet POOL = Overfit.HELD_OUT_A.filter("pool", i -> i < 240);
    static final TrainConfig CONFIG = new TrainConfig(30, 64, OptimizerKind.ADAM, 5e-3f, 0f, 0f, Spread.seed(13));

    /** A "method" that returns the original model unchanged. */
    public static final class Identity extends MethodBase<Identity.Options> {
        public record Options(@JsonPropertyDescription("unused") int unused) {
        }

        public Identity() {
            super("identity", "keep the original model", Guarantee.APPROXIMATE, new Options(0), Options.class);
        }

        @Override
        protected void unlearnInPlace(ModelHandle model, ModelHandle original, UnlearningData data, UnlearningContext context,
                                      Options options) {
            // the copy MethodBase made is the result
        }
    }

    @Test
    void retrainIsIndistinguishableFromRetrainingAndDoingNothingIsNot() {
        ULira ulira = new ULira(Overfit.SPEC, CONFIG, new ULira.Options(6, true, Spread.seed(21)));
        long start = System.nanoTime();
        ULiraResult retrain = ulira.run(Retrain.NAME, Map.of(), FORGET, POOL);
        ULiraResult identity = ulira.run(new Identity(), Map.of(), FORGET, POOL);
        System.out.printf("U-LiRA retrain AUC %.4f (φ gap %.3f), identity AUC %.4f TPR@1%% %.4f (φ gap %.3f) (%.1f s)%n",
                retrain.attack().auc(), retrain.meanPhiGap(), identity.attack().auc(), identity.attack().tprAt1PercentFpr(),
                identity.meanPhiGap(), (System.nanoTime() - start) / 1e9);
        // 6 pairs × 30 records = 180 positives and 180 negatives: the AUC's standard error under the null
        // is sqrt((180 + 180 + 1) / (12 · 180 · 180)) ≈ 0.030; records within a pair share a model. Measured over seeds and
        // instruction sets: 0.497..0.550, standard deviation 0.030 as predicted (docs/TESTING.md), so allow 4 SE.
        assertThat(Spread.measure("u-lira retrain AUC", retrain.attack().auc())).isCloseTo(0.5, offset(0.12));
        assertThat(Spread.measure("u-lira identity AUC", identity.attack().auc())).isGreaterThan(0.7);
        assertThat(Spread.measure("u-lira identity - retrain AUC", identity.attack().auc() - retrain.attack().auc())).isGreaterThan(0.15);
        assertThat(identity.meanPhiGap()).isPositive();
        assertThat(retrain.shadows()).isEqualTo(6);
        assertThat(retrain.forgetRecords()).isEqualTo(30);
    }
}
