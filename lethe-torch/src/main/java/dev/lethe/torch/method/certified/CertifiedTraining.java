package dev.lethe.torch.method.certified;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.method.Prepared;
import dev.lethe.torch.method.TrainingHook;
import dev.lethe.torch.method.UnlearningContext;
import dev.lethe.torch.method.UnlearningRun;
import dev.lethe.torch.model.LogregFamily;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.Cancellation;
import dev.lethe.torch.train.Objective;
import dev.lethe.torch.train.TrainConfig;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@link CertifiedRemoval} needs at training time and from the store: the model trained with the objective
 * perturbation σ ({@link CertifiedRemoval#perturbedObjective}), a logreg with weight decay polished to the exact
 * minimiser ({@link CertifiedRemoval#polish}), its removal state prepared once and kept next to the model file
 * (so that {@code lethe unlearn --method certified} does not pay for the preparation), and σ taken from the
 * manifest unless the run gives it.
 */
final class CertifiedTraining implements TrainingHook {

    private static final String PERTURBATION = "perturbation";

    @Override
    public boolean perturbsObjective() {
        return true;
    }

    @Override
    public Optional<Objective> objective(TrainConfig config, double perturbation, int trainingSize) {
        return Optional.of(CertifiedRemoval.perturbedObjective(config, perturbation, trainingSize));
    }

    @Override
    public boolean finishes(ModelHandle model, TrainConfig config, double perturbation) {
        return perturbation > 0 && model.spec().family() instanceof LogregFamily && config.weightDecay() > 0;
    }

    /** Polishes the model; records ‖∇L_b(θ; D)‖ at the polished weights as {@code trainingGradientNorm}. */
    @Override
    public Map<String, Double> finish(ModelHandle model, RecordSet training, TrainConfig config, double perturbation) {
        double residual = CertifiedRemoval.polish(model, training, config, perturbation, CertifiedRemoval.POLISH_STEPS, new Cancellation());
        return Map.of("trainingGradientNorm", residual);
    }

    /** Keeps the removal state as {@code <model file>.certified}; records the preparation's time as {@code certifiedPrepareSeconds}. */
    @Override
    public Map<String, Double> keepState(Path storeRoot, String modelFile, ModelHandle model, RecordSet training, TrainConfig config,
                                         double perturbation) throws IOException {
        long start = System.nanoTime();
        String digest = Store.sha256(storeRoot.resolve(modelFile));
        try (Prepared state = UnlearningRun.prepare(new CertifiedRemoval(), Map.of(PERTURBATION, String.valueOf(perturbation)), model,
                training, UnlearningContext.of(config.seed(), config)).orElseThrow()) {
            // atomically: a crash leaves no half-written state for 'lethe unlearn' to read
            AtomicFiles.write(storeRoot.resolve(CertifiedRemoval.stateFileName(modelFile)), out -> {
                OutputStream buffered = new BufferedOutputStream(out);
                CertifiedRemoval.writePrepared(state, buffered, digest);
                buffered.flush();
            });
        }
        return Map.of("certifiedPrepareSeconds", (System.nanoTime() - start) / 1e9);
    }

    @Override
    public Map<String, String> options(double perturbation) {
        return perturbation > 0 ? Map.of(CertifiedRemoval.NAME + "." + PERTURBATION, String.valueOf(perturbation)) : Map.of();
    }

    /**
     * Certified removal needs the σ the model was trained with (taken from the manifest unless given),
     * and applies to the trained model itself: the theorem's D' must be all remaining records, and a
     * single-model store does not keep the records earlier versions removed, so a second removal — or
     * one after another method changed the model — is refused (a retrained store, whose training left the
     * tombstoned records out, starts again at version 1).
     */
    @Override
    public Map<String, String> unlearnOptions(Map<String, String> overrides, StoreManifest manifest) {
        if (manifest.currentVersion() != 1) {
            throw new IllegalStateException("certified: the current model (version " + manifest.currentVersion() + ") is not the trained model;"
                    + " certified removal applies once to a model trained with --perturbation — retrain the store to remove more");
        }
        Double sigma = manifest.training().perturbation();
        boolean given = overrides.containsKey(PERTURBATION) || overrides.containsKey(CertifiedRemoval.NAME + "." + PERTURBATION);
        if (given || sigma == null) {
            return overrides;
        }
        Map<String, String> withSigma = new LinkedHashMap<>(overrides);
        withSigma.put(PERTURBATION, String.valueOf(sigma));
        return withSigma;
    }

    /**
     * The state {@code lethe train --perturbation} kept next to the current model file, when it was written for
     * that very file (same digest). A damaged state file is not fatal: the removal prepares inline and the receipt
     * says why.
     */
    @Override
    public Optional<Prepared> keptState(Store store, SingleModelVersion current, ModelHandle model, Consumer<String> note) {
        Path file = store.root().resolve(CertifiedRemoval.stateFileName(current.file()));
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            Optional<Prepared> state = CertifiedRemoval.readPrepared(model, in, current.sha256());
            note.accept(state.isPresent() ? "loaded from " + store.root().relativize(file)
                    : store.root().relativize(file) + " belongs to another model file; prepared inline");
            return state;
        } catch (IOException | RuntimeException e) {
            note.accept(store.root().relativize(file) + " is damaged (" + e.getMessage() + "); prepared inline");
            return Optional.empty();
        }
    }
}
