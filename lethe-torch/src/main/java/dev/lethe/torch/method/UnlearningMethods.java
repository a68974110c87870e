package dev.lethe.torch.method;

import dev.lethe.torch.method.certified.CertifiedRemoval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of unlearning methods: one line per method (docs/ARCHITECTURE.md#extension-points). */
public final class UnlearningMethods {

    private static final Map<String, UnlearningMethod<?>> METHODS = new LinkedHashMap<>();

    static {
        register(new Retrain());
        register(new Finetune());
        register(new GradientAscent());
        register(new RandomLabel());
        register(new GradientDifference());
        register(new KlRetain());
        register(new Scrub());
        register(new Npo());
        register(new SalUn());
        register(new PruneFinetune());
        register(new LayerReset());
        register(new SelectiveSynapticDampening());
        register(new NoiseInjection());
        register(new RepresentationMisdirection());
        register(new AdversarialMachineUnlearning());
        register(new AttackAndReset());
        register(new CertifiedRemoval());
    }

    private UnlearningMethods() {
    }

    private static void register(UnlearningMethod<?> method) {
        if (METHODS.put(method.name(), method) != null) {
            throw new IllegalStateException("two methods are called " + method.name());
        }
    }

    /** Every registered method, in registration order. */
    public static List<UnlearningMethod<?>> all() {
        return List.copyOf(METHODS.values());
    }

    /** The method with this id; an unknown id fails with the list of valid ones. */
    public static UnlearningMethod<?> get(String name) {
        UnlearningMethod<?> m = METHODS.get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown method '" + name + "'; methods: " + String.join(", ", METHODS.keySet()));
        }
        return m;
    }
}
