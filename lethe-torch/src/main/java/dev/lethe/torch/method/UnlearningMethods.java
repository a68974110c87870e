package dev.lethe.torch.method;

import dev.lethe.core.registry.Registry;
import dev.lethe.torch.method.certified.CertifiedRemoval;

import java.util.List;

/** The registry of unlearning methods: one line per method (docs/ARCHITECTURE.md#extension-points). */
public final class UnlearningMethods {

    @SuppressWarnings("unchecked")
    private static final Registry<UnlearningMethod<?>> METHODS = new Registry<>("method", "methods", UnlearningMethod::name, List.of(
            new Retrain(),
            new Finetune(),
            new GradientAscent(),
            new RandomLabel(),
            new GradientDifference(),
            new KlRetain(),
            new Scrub(),
            new Npo(),
            new SimNpo(),
            new Undial(),
            new SalUn(),
            new PruneFinetune(),
            new LayerReset(),
            new SelectiveSynapticDampening(),
            new NoiseInjection(),
            new RepresentationMisdirection(),
            new IdkTuning(),
            new Whp(),
            new AdversarialMachineUnlearning(),
            new AttackAndReset(),
            new CertifiedRemoval()), (Class<UnlearningMethod<?>>) (Class<?>) UnlearningMethod.class);

    private UnlearningMethods() {
    }

    /** Adds a method after the existing ones (a plug-in can also name it in META-INF/services); closing the registration removes it. */
    public static Registry.Registration register(UnlearningMethod<?> method) {
        return METHODS.register(method);
    }

    /** Every registered method, in registration order. */
    public static List<UnlearningMethod<?>> all() {
        return METHODS.all();
    }

    /** The method with this id; an unknown id fails with the list of valid ones. */
    public static UnlearningMethod<?> get(String name) {
        return METHODS.get(name);
    }
}
