package dev.lethe.torch.method;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a method reports about one run beyond its options — figures a receipt or report should keep,
 * e.g. the (ε, δ) a certified removal spent, or how many adversarial examples an attack found. A
 * method writes into {@link UnlearningContext#report()}; {@link UnlearningRun} hands the values back
 * as {@link UnlearningRun#report()}. One report per run; keys are {@code <method>.<figure>}.
 */
public final class RunReport {

    private final Map<String, Object> values = new LinkedHashMap<>();

    /** Records {@code value} under {@code key} (a later value for the same key replaces it). */
    public synchronized void put(String key, Object value) {
        values.put(key, value);
    }

    /** The values recorded so far, in the order they were first recorded (a copy). */
    public synchronized Map<String, Object> values() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
