package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.task.Task;
import dev.lethe.torch.task.Tasks;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One unlearning run: the model it produced (owned by the caller) and what the receipt records.
 *
 * @param model the unlearned model
 * @param method the method's id
 * @param options the resolved options, field → value
 * @param guarantee the method's guarantee
 * @param seed the run seed
 * @param seconds wall time
 * @param report what the method recorded about the run ({@link RunReport}); empty for most methods
 */
public record UnlearningRun(ModelHandle model, String method, Map<String, Object> options, Guarantee guarantee, long seed,
                            double seconds, Map<String, Object> report) implements AutoCloseable {

    /** Runs {@code method} with options parsed from {@code overrides} over its defaults. */
    public static UnlearningRun run(UnlearningMethod<?> method, Map<String, String> overrides, ModelHandle original,
                                    UnlearningData data, UnlearningContext context) {
        return runTyped(method, overrides, original, data, context);
    }

    /**
     * What {@code method} (options parsed from {@code overrides}) precomputes for {@code original}
     * trained on {@code training} ({@link UnlearningMethod#prepare}); empty for most methods.
     */
    public static Optional<Prepared> prepare(UnlearningMethod<?> method, Map<String, String> overrides, ModelHandle original,
                                             RecordSet training, UnlearningContext context) {
        return prepareTyped(method, overrides, original, training, context);
    }

    private static <O extends Record> Optional<Prepared> prepareTyped(UnlearningMethod<O> method, Map<String, String> overrides,
                                                                     ModelHandle original, RecordSet training, UnlearningContext context) {
        return method.prepare(original, training, context, MethodOptions.parse(method, overrides));
    }

    private static <O extends Record> UnlearningRun runTyped(UnlearningMethod<O> method, Map<String, String> overrides,
                                                            ModelHandle original, UnlearningData data, UnlearningContext context) {
        Task task = Tasks.of(data.forget());
        requireTask(method, task);
        requireLayers(method, original, task);
        long start = System.nanoTime();
        // the method's strength from the data, when the user set none (StrengthCalibration). The trials and the run share
        // one prepared state (prepared here when the caller brought none), so the value is chosen on the model it is for.
        boolean calibrate = StrengthCalibration.applies(method, overrides, data);
        Optional<Prepared> shared = calibrate && context.prepared() == null
                ? prepare(method, overrides, original, RecordSet.concat("calibration-training", List.of(data.retain(), data.forget())), context)
                : Optional.empty();
        try {
            UnlearningContext prepared = shared.map(context::withPrepared).orElse(context);
            Optional<StrengthCalibration.Choice> calibrated = StrengthCalibration.choose(method, overrides, original, data, prepared);
            Map<String, String> resolved = overrides;
            if (calibrated.isPresent()) {
                resolved = new java.util.HashMap<>(overrides);
                resolved.putAll(calibrated.get().settings());
            }
            O options = MethodOptions.parse(method, resolved);
            UnlearningContext run = prepared.withFreshReport();
            if (data.poisoned()) {
                run.report().put("poisoned", true); // the request's aim, in the receipt: the records' labels must go
            }
            calibrated.ifPresent(c -> run.report().put(method.name() + ".calibration", c.toReport()));
            ModelHandle model = method.unlearn(original, data, run, options);
            return new UnlearningRun(model, method.name(), MethodOptions.toMap(options), method.guarantee(), context.seed(),
                    (System.nanoTime() - start) / 1e9, run.report().values());
        } finally {
            shared.ifPresent(Prepared::close);
        }
    }

    /** Refuses, before any work, a method that does not declare {@code task} ({@link UnlearningMethod#tasks()}). */
    static void requireTask(UnlearningMethod<?> method, Task task) {
        if (method.tasks().contains(task)) {
            return;
        }
        List<String> able = UnlearningMethods.all().stream().filter(m -> m.tasks().contains(task)).map(UnlearningMethod::name).toList();
        throw new IllegalArgumentException("method '" + method.name() + "' does not support the " + task.name() + " task (it supports "
                + String.join(", ", method.tasks().stream().map(Task::name).toList()) + "); methods that do: " + String.join(", ", able));
    }

    /** Refuses, before any work, a method that works at an inner layer on a model that is one layer to Lethe (an opaque module). */
    static void requireLayers(UnlearningMethod<?> method, ModelHandle model, Task task) {
        Optional<String> need = method.whyNotOnOpaqueModules();
        if (need.isPresent() && model.isOpaque()) {
            throw new IllegalArgumentException("method '" + method.name() + "' cannot run on a " + model.spec().family().name()
                    + " model, a module opaque to Lethe: " + need.get() + " (a module that exports features(x) and classify(h) opens"
                    + " its inner layer: see README, \"From Python\"); methods that need only the loss and the parameters run on it: "
                    + String.join(", ", UnlearningMethods.all().stream()
                    .filter(m -> m.whyNotOnOpaqueModules().isEmpty() && m.tasks().contains(task)).map(UnlearningMethod::name).toList()));
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
