package dev.lethe.torch.scenario.evidence;

import dev.lethe.torch.eval.mia.LearnedAttack;
import dev.lethe.torch.eval.mia.LearnedAttackResult;
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
 * much membership the model leaks at all). Needs one model, so a SISA ensemble is left out.
 */
public final class LearnedAttackProbe implements EvidenceProbe {

    @Override
    public String name() {
        return "mia-learned";
    }

    @Override
    public Evidence measure(ProbeContext context) {
        Optional<ModelHandle> model = context.subject().model();
        if (model.isEmpty() || context.forget().size() == 0) {
            return Evidence.empty();
        }
        LearnedAttackResult r = new LearnedAttack(LearnedAttack.Options.defaults(context.seed()))
                .run(model.get(), context.retain(), context.test(), context.forget());
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("mia-efficacy", r.miaEfficacy());
        f.put("learned-auc", r.heldOut().auc());
        return new Evidence(f, Map.of());
    }
}
