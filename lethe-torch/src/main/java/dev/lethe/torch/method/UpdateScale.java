package dev.lethe.torch.method;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.runtime.Scalars;

import java.util.List;

/**
 * How much of a method's update a run keeps: {@code θ ← θ₀ + s · (θ − θ₀)}, with {@code θ₀} the original's weights and
 * {@code θ} the weights the method trained, {@code s ∈ (0, 1]}. {@code s = 1} is the method's own update, unchanged.
 *
 * <p>This is the scaling coefficient of a task vector (Ilharco et al. 2023, "Editing Models with Task Arithmetic": the
 * difference between fine-tuned and original weights, added back with a coefficient chosen on held-out data) and the
 * weight interpolation of WiSE-FT (Wortsman et al. 2022, "Robust fine-tuning of zero-shot models"). For unlearning it is
 * a strength: the forgetting comes early along the update, the damage to the kept records late. Measured on class
 * forgetting with NPO (docs/BENCHMARKS.md, "Method strength from the data"): on the Location MLP the full update costs
 * the kept classes' unseen records 6–10 points while {@code s = 0.3} already leaves the class at 0.000 and costs 1–2,
 * whereas a lower learning rate (the same share of the total step, spent differently) cost 4.9. A method that declares
 * it as its {@link Strength} has {@link StrengthCalibration} choose {@code s} on validation records when the user sets
 * none.
 */
public final class UpdateScale {

    /** The option's text in {@code lethe methods}. */
    static final String DESCRIPTION = "share of the update kept, θ₀ + s·(θ − θ₀) (1 = all of it)";
    /** The candidates a calibration tries, weakest first. */
    static final List<String> CANDIDATES = List.of("0.1", "0.2", "0.3", "0.5", "0.7", "1");

    private UpdateScale() {
    }

    /** Checks an update scale option: in (0, 1]. */
    static void require(String option, float scale) {
        MethodOptions.require(scale > 0 && scale <= 1, option, scale, "in (0, 1]");
    }

    /** Moves {@code model}'s weights back toward {@code original}'s so that a share {@code scale} of the update is kept; nothing at 1. */
    static void apply(ModelHandle model, ModelHandle original, float scale) {
        if (scale == 1f) {
            return;
        }
        List<Pair<String, Parameter>> trained = model.parameters();
        List<Pair<String, Parameter>> start = original.parameters();
        for (int i = 0; i < trained.size(); i++) {
            NDArray theta = trained.get(i).getValue().getArray();
            NDArray theta0 = start.get(i).getValue().getArray();
            // in place on the model's own array: (θ − θ₀)·s + θ₀
            Scalars.muli(theta.subi(theta0), scale).addi(theta0);
        }
    }
}
