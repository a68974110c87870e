package dev.lethe.torch.method.certified;

import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.store.UnlearningReceipt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The certified removals a single-model store's current model has had since it was trained, read from the
 * receipts in its manifest, and what they spent of the (ε, δ) certificate. Sequential removals from one trained model
 * accumulate their gradient residual bounds (Guo et al. 2020, §3.3: the bounds add, and once their sum passes
 * {@code σ ε / c} the model must be retrained); each receipt's {@code certified.residualBound} is already that sum, so
 * the last one is what the next removal starts from. The sequence keeps one ε and δ: a certificate for the whole series
 * of removals.
 *
 * @param removals the receipts of the certified removals, oldest first (empty for a freshly trained model)
 * @param residualBound the accumulated gradient residual bound β they spent (0 when none)
 * @param epsilon the ε of the earlier removals; null when there were none
 * @param delta the δ of the earlier removals; null when there were none
 * @param budget the bound's budget σ ε / c of the earlier removals; null when there were none
 */
record CertifiedHistory(List<UnlearningReceipt> removals, double residualBound, Double epsilon, Double delta, Double budget) {

    /**
     * The history of {@code manifest}'s current model; refuses a model that a method other than {@code certified}
     * changed since it was trained, because the theorem needs every earlier change to be a certified removal.
     */
    static CertifiedHistory of(StoreManifest manifest) {
        List<UnlearningReceipt> removals = new ArrayList<>();
        for (StoreManifest.ModelVersion v : manifest.models()) {
            if (!(v instanceof SingleModelVersion version) || version.version() == 1 || version.version() > manifest.currentVersion()) {
                continue;
            }
            UnlearningReceipt receipt = version.unlearning();
            if (receipt == null || !CertifiedRemoval.NAME.equals(receipt.method())) {
                throw new IllegalStateException("certified: model version " + version.version() + " was made by "
                        + (receipt == null ? "training" : "'" + receipt.method() + "'") + ", not by a certified removal, so the"
                        + " current model is no longer the certified one; retrain the store (lethe train --replace) to remove more");
            }
            removals.add(receipt);
        }
        if (removals.isEmpty()) {
            return new CertifiedHistory(List.of(), 0, null, null, null);
        }
        UnlearningReceipt last = removals.get(removals.size() - 1);
        return new CertifiedHistory(removals, number(last.report(), "certified.residualBound", last),
                number(last.options(), "epsilon", last), number(last.options(), "delta", last), number(last.report(), "certified.budget", last));
    }

    /** How much of the residual budget is left, or null when nothing was removed yet. */
    Double budgetLeft() {
        return budget == null ? null : Math.max(0, budget - residualBound);
    }

    /** The ε the earlier removals spent: {@code ε · β / budget} (the receipts' {@code certified.epsilonSpent}). */
    double epsilonSpent() {
        return budget == null ? 0 : epsilon * residualBound / budget;
    }

    private static double number(Map<String, Object> values, String key, UnlearningReceipt receipt) {
        Object value = values == null ? null : values.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "certified: the receipt of model version %d has no %s, so the"
                    + " budget its removal spent is unknown; retrain the store (lethe train --replace) to remove more", receipt.modelVersion(), key));
        }
        return n.doubleValue();
    }
}
