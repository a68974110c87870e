package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What an unlearning method needs from the training of the model it will later run on, and from the
 * store that keeps that model: a training objective, a finishing step after training, state it
 * prepares once per trained model and keeps next to the model file, and option defaults read from
 * the stored training configuration. Most methods need none of it ({@link #NONE}). Certified removal
 * needs all of it: the model is trained with objective perturbation σ ({@code lethe train
 * --perturbation}), polished to the exact minimiser, its removal state is kept next to the model, and a
 * removal takes σ from the manifest.
 *
 * <p>The services that train and unlearn ({@code TrainService}, {@code UnlearnService}, the method
 * benchmark) ask the hooks and never name a method: a training with σ &gt; 0 goes to the registered
 * hook that {@linkplain #perturbsObjective perturbs the objective} ({@link #forPerturbation}), an
 * unlearning run to the hook of the method it runs ({@link UnlearningMethod#trainingHook()}).
 */
public interface TrainingHook {

    /** The hook of a method with no training-time needs: every step does nothing. */
    TrainingHook NONE = new TrainingHook() {
    };

    /**
     * The hook that trains with objective perturbation σ: {@link #NONE} when σ is 0, else the one registered
     * method's hook that {@linkplain #perturbsObjective perturbs the objective}.
     */
    static TrainingHook forPerturbation(double perturbation) {
        if (perturbation == 0) {
            return NONE;
        }
        List<TrainingHook> hooks = UnlearningMethods.all().stream().map(UnlearningMethod::trainingHook)
                .filter(TrainingHook::perturbsObjective).toList();
        if (hooks.size() != 1) {
            throw new IllegalStateException("objective perturbation needs exactly one registered method that trains with it; found "
                    + hooks.size());
        }
        return hooks.get(0);
    }

    /** Whether this method's models are trained with objective perturbation σ (what {@code --perturbation} asks for). */
    default boolean perturbsObjective() {
        return false;
    }

    /**
     * The objective to train with under objective perturbation σ &gt; 0, over {@code trainingSize} records with
     * {@code config}; empty to train with cross-entropy.
     */
    default Optional<Objective> objective(TrainConfig config, double perturbation, int trainingSize) {
        return Optional.empty();
    }

    /** Whether {@link #finish} applies to this trained model (certified: a logreg trained with weight decay and σ &gt; 0). */
    default boolean finishes(ModelHandle model, TrainConfig config, double perturbation) {
        return false;
    }

    /**
     * Finishes a model just trained on {@code training} with {@link #objective}, in place, before it is evaluated and
     * saved (certified: Newton steps to the exact minimiser the theorem assumes); returns the metrics the model
     * version records. Refuses a model it does not apply to.
     */
    default Map<String, Double> finish(ModelHandle model, RecordSet training, TrainConfig config, double perturbation) {
        return Map.of();
    }

    /**
     * After a {@linkplain #finish finished} model was saved as {@code modelFile} (relative to {@code storeRoot}):
     * prepares what every later removal from it needs and keeps it next to the file, atomically, tagged with the
     * file's digest; returns the metrics the model version records.
     */
    default Map<String, Double> keepState(Path storeRoot, String modelFile, ModelHandle model, RecordSet training, TrainConfig config,
                                          double perturbation) throws IOException {
        return Map.of();
    }

    /** The options ({@code <method>.<field>}) a run of this method takes from the training's σ, as the method benchmark passes them. */
    default Map<String, String> options(double perturbation) {
        return Map.of();
    }

    /**
     * The options of an unlearning run on a single-model store: {@code overrides} completed with defaults from
     * the stored training configuration; refuses a store the method cannot run on.
     */
    default Map<String, String> unlearnOptions(Map<String, String> overrides, StoreManifest manifest) {
        return overrides;
    }

    /**
     * The state {@link #keepState} kept next to {@code current}'s model file, for {@code model} loaded from it; empty
     * when none was kept, it belongs to another model file or it cannot be read (the run then prepares inline).
     * {@code note} receives what the receipt says about it ({@code preparedState}), when there was a file to read.
     */
    default Optional<Prepared> keptState(Store store, SingleModelVersion current, ModelHandle model, Consumer<String> note) {
        return Optional.empty();
    }
}
