package dev.lethe.torch.task;

import java.util.Map;

/**
 * A task's metrics of a model on one data set, by name ({@code accuracy} and {@code loss} for a
 * classifier; {@code token-loss} and {@code perplexity} for a language model).
 *
 * @param task the task's name
 * @param dataset the name of the evaluated set
 * @param records how many records were evaluated
 * @param values metric name → value, in the task's order
 */
public record TaskMetrics(String task, String dataset, long records, Map<String, Double> values) {

    public TaskMetrics {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    /** The metric called {@code name}; an unknown name fails with the list of known ones. */
    public double value(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(task + " has no metric '" + name + "'; it has " + String.join(", ", values.keySet()));
        }
        return v;
    }

    /**
     * The values as the store records them beside a model version, each name prefixed and in camel case
     * ({@code forget} + {@code accuracy} → {@code forgetAccuracy}; {@code token-loss} → {@code forgetTokenLoss}),
     * leaving out counts and the loss a classifier's accuracy already summarises: what {@code unlearn} and
     * {@code train} put in a manifest's metrics, for any task.
     */
    public java.util.Map<String, Double> recorded(String prefix) {
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (!name.equals("tokens") && !name.equals("loss")) {
                StringBuilder camel = new StringBuilder(prefix);
                for (String part : name.split("-")) {
                    camel.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
                }
                out.put(camel.toString(), value);
            }
        });
        return out;
    }
}
