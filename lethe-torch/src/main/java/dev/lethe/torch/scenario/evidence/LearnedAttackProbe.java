package dev.lethe.torch.scenario.evidence;

import dev.lethe.torch.eval.metric.MetricInput;
import dev.lethe.torch.eval.metric.MetricValues;
import dev.lethe.torch.eval.metric.UnlearningMetric;
import dev.lethe.torch.eval.mia.AttackSuite;
import dev.lethe.torch.eval.mia.AttackTarget;
import dev.lethe.torch.eval.mia.LearnedAttack;
import dev.lethe.torch.eval.mia.MembershipInferenceAttacks;
import dev.lethe.torch.model.ModelHandle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code mia-learned}: the learned membership attack of {@link LearnedAttack} (a classifier on
 * per-record output features, trained on retain records as members against test records as
 * non-members) applied to the forget set. Figures: {@code mia-efficacy}, the share of forget records
 * it judges non-members (Jia et al. 2023, Fan et al. 2024: higher = more forgotten; compare with the
 * reference's), and {@code learned-auc}, the attack's AUC on held-out halves of retain vs test (how
 * much membership the model leaks at all). Runs the {@code learned} attack of
 * {@link MembershipInferenceAttacks}, as {@code lethe attack --attack learned} does with a selection.
 * Needs one model, so a SISA ensemble is left out.
 */
public final class LearnedAttackProbe implements UnlearningMetric {

    @Override
    public String name() {
        return "mia-learned";
    }

    @Override
    public MetricValues measure(MetricInput context) {
        Optional<ModelHandle> model = context.subject().model();
        if (model.isEmpty() || context.forget().size() == 0) {
            return MetricValues.empty();
        }
        // the suite's learned attack with the forget set as the attacked subset: trained on retain vs test, judging the forget set
        // (with a subset it reads the retain set, not the whole training set)
        AttackSuite.Report r = MembershipInferenceAttacks.get(LearnedAttack.NAME).run(new AttackTarget(model.get(), context.retain(),
                context.test(), context.forget(), context.retain(), context.training(), null, context.seed()));
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("mia-efficacy", r.miaEfficacy());
        f.put("learned-auc", r.heldOut().auc());
        return new MetricValues(f, Map.of());
    }
}
