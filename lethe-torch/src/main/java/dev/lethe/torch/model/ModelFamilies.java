package dev.lethe.torch.model;

import dev.lethe.core.registry.Registry;
import dev.lethe.torch.lm.GptFamily;

import java.util.List;
import java.util.Optional;

/**
 * The registry of model families: the five built-in ones (logreg, mlp, cnn, gpt, torchscript), then every {@link ModelFamily} that a jar on the
 * class path names in {@code META-INF/services/dev.lethe.torch.model.ModelFamily} (a {@link Registry}).
 *
 * <p>Plug-ins come through the service file rather than a register call because a family's name is
 * written into every model file and manifest, and any process may have to read one — the CLI, the server,
 * a child JVM that trains a shard: with a service file, the plug-in's jar on the class path is all each of
 * them needs, where a register call missed in one entry point would turn a valid store into "unknown model".
 *
 * <p>Adding a family: one class implementing {@link ModelFamily}, and one line naming it in the service
 * file of its jar (docs/ARCHITECTURE.md#extension-points); the test sources' {@code ResidualFamily} is an example.
 */
public final class ModelFamilies {

    private static final Registry<ModelFamily> FAMILIES = new Registry<>("model family", "families", ModelFamily::name,
            List.of(new LogregFamily(), new MlpFamily(), new CnnFamily(), new GptFamily(), new TorchScriptFamily()), ModelFamily.class);

    private ModelFamilies() {
    }

    /** Every registered family, built-ins first. */
    public static List<ModelFamily> all() {
        return FAMILIES.all();
    }

    /** The family called {@code name}, if one is registered. */
    public static Optional<ModelFamily> find(String name) {
        return FAMILIES.find(name);
    }

    /** The family called {@code name}; an unknown name fails with the list of registered families. */
    public static ModelFamily get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown model family '" + name + "': use " + choices()));
    }

    /** The registered families as a reader would list them: {@code logreg, mlp[:w1,w2,...] or cnn[:c1,c2,h]}. */
    public static String choices() {
        List<String> syntax = all().stream().map(ModelFamily::syntax).toList();
        return syntax.size() == 1 ? syntax.get(0)
                : String.join(", ", syntax.subList(0, syntax.size() - 1)) + " or " + syntax.get(syntax.size() - 1);
    }
}
