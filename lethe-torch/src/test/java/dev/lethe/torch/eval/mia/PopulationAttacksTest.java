package dev.lethe.torch.eval.mia;

import dev.lethe.torch.Spread;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.torch.Digits;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.train.Objectives;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TensorData;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainLoop;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The population attacks tell an overfit model's training data from held-out data, and nothing from nothing. */
class PopulationAttacksTest {

    private static final RecordSet ALL = Digits.split().train();
    /** 100 records to overfit on; the rest split into two disjoint held-out halves. */
    private static final RecordSet MEMBERS = ALL.filter("members", i -> i % 10 == 0 && i < 1000);
    private static final RecordSet HELD_OUT_A = ALL.filter("held-out-a", i -> !(i % 10 == 0 && i < 1000) && i % 2 == 0);
    private static final RecordSet HELD_OUT_B = ALL.filter("held-out-b", i -> !(i % 10 == 0 && i < 1000) && i % 2 == 1);

    private static ModelHandle overfit() {
        ModelHandle model = ModelHandle.create(ModelSpec.parse("mlp:256,128", new int[]{64}, 10), Spread.seed(5));
        try (TensorData data = TensorData.of(MEMBERS, model.manager())) {
            new TrainLoop(new TrainConfig(300, 32, OptimizerKind.ADAM, 1e-3f, 0f, 0f, Spread.seed(5))).run(model, data, Objectives.crossEntropy());
        }
        return model;
    }

    @Test
    void theLossAttackSeesAnOverfitModelsTrainingDataAndNoAttackSeparatesTwoHeldOutSets() {
        try (ModelHandle model = overfit()) {
            List<AttackResult> trainVsHeldOut = PopulationAttacks.run(model, MEMBERS, HELD_OUT_A);
            AttackResult loss = trainVsHeldOut.stream().filter(r -> r.attack().equals("loss")).findFirst().orElseThrow();
            assertThat(Spread.measure("overfit(300 epochs) loss AUC", loss.auc())).isGreaterThan(0.6);
            assertThat(loss.members()).isEqualTo(MEMBERS.size());
            // a rate, read off the same curve at a larger false-positive rate than the 0.1 % one (measured 0.00..0.04)
            assertThat(loss.tprAt1PercentFpr()).isBetween(loss.tprAtTenthPercentFpr(), 1.0);

            List<AttackResult> nothing = PopulationAttacks.run(model, HELD_OUT_A, HELD_OUT_B);
            assertThat(nothing).hasSize(4).allSatisfy(r -> assertThat(Spread.measure("overfit(300 epochs) " + r.attack() + " AUC held-out A vs B",
                    r.auc())).as(r.attack()).isCloseTo(0.5, offset(0.05)));
        }
    }
}
