package dev.lethe.torch.eval.mia;

import dev.lethe.torch.Spread;
import dev.lethe.core.mia.AttackResult;
import dev.lethe.core.mia.PopulationScore;
import dev.lethe.torch.eval.Overfit;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TrainListener;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** Every attack sees an overfit model's training data; none sees a difference between two held-out sets. */
class AttacksTest {

    @Test
    void populationAttacksSeparateMembersButNotTwoDisjointHeldOutSets() {
        try (ModelHandle model = Overfit.model()) {
            AttackResult loss = new PopulationAttack(PopulationScore.LOSS).run(model, Overfit.MEMBERS, Overfit.HELD_OUT_A);
            System.out.printf("population loss AUC members vs held-out %.4f, TPR@1%% %.4f%n", loss.auc(), loss.tprAt1PercentFpr());
            assertThat(Spread.measure("overfit population loss AUC", loss.auc())).isGreaterThan(0.6);

            for (PopulationScore s : PopulationScore.values()) {
                AttackResult nothing = new PopulationAttack(s).run(model, Overfit.HELD_OUT_A, Overfit.HELD_OUT_B);
                System.out.printf("population %s AUC held-out A vs B %.4f (%d vs %d)%n", s.id(), nothing.auc(), nothing.members(), nothing.nonMembers());
                assertThat(Spread.measure("overfit population " + s.id() + " AUC held-out A vs B", nothing.auc())).as(s.id()).isCloseTo(0.5, offset(0.05));
            }
        }
    }

    @Test
    void liraOnlineAndOfflineSeeTheMembers() {
        long start = System.nanoTime();
        try (ModelHandle model = Overfit.model()) {
            LiraResult lira = new Lira(Overfit.CONFIG, Lira.Options.defaults(Spread.seed(3)), Lira.Variant.ONLINE)
                    .runBoth(model, Overfit.MEMBERS, Overfit.HELD_OUT_A.filter("n", i -> i < 150));
            System.out.printf("LiRA online AUC %.4f TPR@1%% %.4f TPR@0.1%% %.4f; offline AUC %.4f TPR@1%% %.4f (%.1f s)%n",
                    lira.online().auc(), lira.online().tprAt1PercentFpr(), lira.online().tprAtTenthPercentFpr(),
                    lira.offline().auc(), lira.offline().tprAt1PercentFpr(), (System.nanoTime() - start) / 1e9);
            // measured: online 0.79, offline 0.79, against 0.63 for the loss attack on the same model
            AttackResult loss = new PopulationAttack(PopulationScore.LOSS).run(model, Overfit.MEMBERS, Overfit.HELD_OUT_A.filter("n", i -> i < 150));
            assertThat(Spread.measure("lira online AUC", lira.online().auc())).isGreaterThan(0.7);
            assertThat(Spread.measure("lira online AUC - loss AUC", lira.online().auc() - loss.auc())).isPositive();
            assertThat(Spread.measure("lira offline AUC", lira.offline().auc())).isGreaterThan(0.7);
            assertThat(Spread.measure("lira online TPR@1% - loss TPR@1%", lira.online().tprAt1PercentFpr() - loss.tprAt1PercentFpr())).isPositive();
            assertThat(lira.shadows()).isEqualTo(8);
        }
    }

    @Test
    void shadowModelAttackSeesTheMembers() {
        long start = System.nanoTime();
        try (ModelHandle model = Overfit.model()) {
            ShadowModelAttack.Options options = ShadowModelAttack.Options.defaults(Spread.seed(4));
            Map<String, long[]> stepsByStage = new LinkedHashMap<>();
            AttackResult shadow = new ShadowModelAttack(Overfit.CONFIG, Overfit.HELD_OUT_B.filter("pool", i -> i < 300), options)
                    .progress(stage -> new TrainListener() {
                        @Override
                        public void onStep(long step, float loss) {
                            stepsByStage.computeIfAbsent(stage, k -> new long[1])[0]++;
                        }
                    })
                    .run(model, Overfit.MEMBERS, Overfit.HELD_OUT_A);
            // every shadow's training showed its steps under its own name
            assertThat(stepsByStage.keySet()).containsExactlyElementsOf(
                    java.util.stream.IntStream.rangeClosed(1, options.shadows()).mapToObj(k -> "shadow " + k + "/" + options.shadows()).toList());
            assertThat(stepsByStage.values()).allSatisfy(steps -> assertThat(steps[0]).isPositive());
            System.out.printf("shadow AUC %.4f TPR@1%% %.4f (%.1f s)%n", shadow.auc(), shadow.tprAt1PercentFpr(), (System.nanoTime() - start) / 1e9);
            // measured 0.616..0.648 over seeds and instruction sets (docs/TESTING.md)
            assertThat(Spread.measure("shadow AUC", shadow.auc())).isGreaterThanOrEqualTo(0.59);
        }
    }

    @Test
    void learnedAttackJudgesTrainingRecordsMembers() {
        try (ModelHandle model = Overfit.model()) {
            LearnedAttackResult r = new LearnedAttack(LearnedAttack.Options.defaults(Spread.seed(5)))
                    .run(model, Overfit.MEMBERS, Overfit.HELD_OUT_A, Overfit.HELD_OUT_B);
            System.out.printf("learned held-out AUC %.4f; efficacy on unseen records %.4f%n", r.heldOut().auc(), r.miaEfficacy());
            // held-out AUC measured 0.597..0.655 over seeds and instruction sets (docs/TESTING.md)
            assertThat(Spread.measure("learned held-out AUC", r.heldOut().auc())).isGreaterThanOrEqualTo(0.54);
            // the share of unseen records it judges non-members (MIA-efficacy) was 0.486..0.548: a coin's toss on its own,
            // so it is compared with the share of the training records it judges non-members, which is lower by 0.26..0.28
            LearnedAttackResult onMembers = new LearnedAttack(LearnedAttack.Options.defaults(Spread.seed(5)))
                    .run(model, Overfit.MEMBERS, Overfit.HELD_OUT_A, Overfit.MEMBERS);
            assertThat(Spread.measure("learned MIA-efficacy unseen - members", r.miaEfficacy() - onMembers.miaEfficacy())).isGreaterThan(0.1);
        }
    }
}
