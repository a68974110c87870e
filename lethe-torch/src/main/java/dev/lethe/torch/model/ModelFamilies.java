package dev.lethe.torch.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of model families: one line per built-in family, and every {@link ModelFamily} that a
 * jar on the class path announces in {@code META-INF/services/dev.lethe.torch.model.ModelFamily}.
 *
 * <p>Why a {@link ServiceLoader} rather than a register call: a family's name is written into every
 * model file and manifest, and any process may have to read one — the CLI, the server, a child JVM
 * that trains a shard. With a service file, putting the plug-in's jar on the class path is all each
 * of them needs; a register call would have to run in every entry point before the first file is
 * read, and one that is missed turns a valid store into "unknown model". The registry is filled
 * once, when the class is first used; built-ins come first, then plug-ins in class-path order, and
 * two families with one name are refused.
 *
 * <p>Adding a family: one class implementing {@link ModelFamily}, and one line naming it in the service
 * file of its jar (see docs/ARCHITECTURE.md); the test sources' {@code ResidualFamily} is an example.
 */
public final class ModelFamilies {

    private static final Map<String, ModelFamily> FAMILIES = new LinkedHashMap<>();

    static {
        register(new LogregFamily());
        register(new MlpFamily());
        register(new CnnFamily());
        for (ModelFamily plugIn : ServiceLoader.load(ModelFamily.class, ModelFamilies.class.getClassLoader())) {
            register(plugIn);
        }
    }

    private ModelFamilies() {
    }

    private static void register(ModelFamily family) {
        if (FAMILIES.put(family.name(), family) != null) {
            throw new IllegalStateException("two model families are called " + family.name());
        }
    }

    /** Every registered family, built-ins first. */
    public static List<ModelFamily> all() {
        return List.copyOf(FAMILIES.values());
    }

    /** The family called {@code name}, if one is registered. */
    public static Optional<ModelFamily> find(String name) {
        return Optional.ofNullable(FAMILIES.get(name));
    }

    /** The family called {@code name}; an unknown name fails with the list of registered families. */
    public static ModelFamily get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown model family '" + name + "': use " + choices()));
    }

    /** The registered families as a reader would list them: {@code logreg, mlp[:w1,w2,...] or cnn[:c1,c2,h]}. */
    public static String choices() {
        List<String> syntax = FAMILIES.values().stream().map(ModelFamily::syntax).toList();
        return syntax.size() == 1 ? syntax.get(0)
                : String.join(", ", syntax.subList(0, syntax.size() - 1)) + " or " + syntax.get(syntax.size() - 1);
    }
}
