package dev.lethe.torch.method.certified;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.SingleModelVersion;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.method.MethodOptions;
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
import java.util.Locale;
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

    /**
     * Polishes the model; records ‖∇L_b(θ; D)‖ at the polished weights as {@code trainingGradientNorm} and the polish's
     * time as {@code certifiedPolishSeconds}.
     */
    @Override
    public Map<String, Double> finish(ModelHandle model, RecordSet training, TrainConfig config, double perturbation) {
        long start = System.nanoTime();
        double residual = CertifiedRemoval.polish(model, training, config, perturbation, CertifiedRemoval.POLISH_STEPS, new Cancellation());
        return Map.of("trainingGradientNorm", residual, "certifiedPolishSeconds", (System.nanoTime() - start) / 1e9);
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
     * Certified removal needs the σ the model was trained with (taken from the manifest unless given), and applies to
     * the trained model or to one that only certified removals changed since ({@link CertifiedHistory}): a later removal
     * starts from the residual bound the earlier ones spent ({@code priorResidual}) and keeps their ε and δ, so the
     * receipts account for one certificate over the whole series. A spent budget, or an ε or δ other than the series',
     * is refused before any work, naming what is left.
     */
    @Override
    public Map<String, String> unlearnOptions(Map<String, String> overrides, StoreManifest manifest) {
        CertifiedHistory history = CertifiedHistory.of(manifest);
        Map<String, String> resolved = new LinkedHashMap<>(overrides);
        Double sigma = manifest.training().perturbation();
        if (given(overrides, PERTURBATION) == null && sigma != null) {
            resolved.put(PERTURBATION, String.valueOf(sigma));
        }
        if (history.removals().isEmpty()) {
            return resolved;
        }
        keepSeries(resolved, "epsilon", "ε", history.epsilon());
        keepSeries(resolved, "delta", "δ", history.delta());
        if (!(history.budgetLeft() > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "certified: the certificate is spent: %d earlier removal(s) used"
                    + " the whole residual budget %.4g (ε %s of %s spent, 0 left); retrain the store (lethe train --replace) to remove more",
                    history.removals().size(), history.budget(), round(history.epsilonSpent()), history.epsilon()));
        }
        String prior = given(overrides, "priorResidual");
        if (prior == null || Double.parseDouble(prior) < history.residualBound()) {
            resolved.keySet().removeIf(k -> optionField(k).equals("priorResidual"));
            resolved.put("priorResidual", String.valueOf(history.residualBound()));
        }
        return resolved;
    }

    /** Sets the series' value of {@code field}, or refuses a different one (the certificate covers every removal at once). */
    private static void keepSeries(Map<String, String> resolved, String field, String symbol, double series) {
        String value = given(resolved, field);
        if (value == null) {
            resolved.put(field, String.valueOf(series));
        } else if (Double.parseDouble(value) != series) {
            throw new IllegalArgumentException("certified: the earlier removals from this model were certified with " + symbol + "=" + series
                    + "; a later removal keeps it (one certificate covers the series), so leave out --opt certified." + field
                    + " or retrain the store to start a new certificate");
        }
    }

    /** The value given for option {@code field} under any of its spellings (bare, {@code certified.}-prefixed, kebab-case). */
    private static String given(Map<String, String> overrides, String field) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (optionField(e.getKey()).equals(field)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String optionField(String key) {
        String bare = key.startsWith(CertifiedRemoval.NAME + ".") ? key.substring(CertifiedRemoval.NAME.length() + 1) : key;
        return MethodOptions.camelCase(bare);
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
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
