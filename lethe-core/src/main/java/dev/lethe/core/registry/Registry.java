package dev.lethe.core.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Named entries of one kind — unlearning methods, model families, shard executors, membership-inference
 * attacks, data sources, evidence probes — found by name, listed in registration order, and open to
 * plug-ins without an edit to the registry or to the built-in entries, in two ways:
 * <ul>
 *   <li>a jar names its entries in {@code META-INF/services/<the entry interface>} ({@link ServiceLoader});
 *       they are added after the built-ins when the registry is made. This is the way for anything a
 *       store may record and any process may have to read back (a model family's name is in every model
 *       file; a shard executor may run in a child JVM): putting the jar on the class path is all each
 *       process needs.</li>
 *   <li>code calls {@link #register}; closing the returned registration removes the entry again, so a
 *       test scopes its toy entry to itself instead of leaking it into other tests of the same JVM.</li>
 * </ul>
 * Built-ins come first in the order given, so what commands print and what reports use as column order
 * does not depend on the class path; two entries with one name are refused.
 *
 * @param <T> the kind of entry
 */
public final class Registry<T> {

    private final String kind;
    private final String listLabel;
    private final Function<T, String> nameOf;
    private final Map<String, T> entries = new LinkedHashMap<>();

    /**
     * @param kind what one entry is, for messages ("attack", "data set")
     * @param listLabel how the list of valid names is introduced in messages ("attacks", "known")
     * @param nameOf an entry's name (its id on the command line)
     * @param builtIns the entries Lethe ships, in listing order
     */
    public Registry(String kind, String listLabel, Function<T, String> nameOf, List<? extends T> builtIns) {
        this.kind = Objects.requireNonNull(kind);
        this.listLabel = Objects.requireNonNull(listLabel);
        this.nameOf = Objects.requireNonNull(nameOf);
        builtIns.forEach(this::add);
    }

    /**
     * As {@link #Registry(String, String, Function, List)}, then every implementation of {@code service}
     * that a jar on the class path names in {@code META-INF/services/<service's binary name>}, in class-path
     * order (found through the thread's context class loader, which is where cluster executors put user jars).
     */
    public Registry(String kind, String listLabel, Function<T, String> nameOf, List<? extends T> builtIns, Class<T> service) {
        this(kind, listLabel, nameOf, builtIns);
        ServiceLoader.load(service).forEach(this::add);
    }

    /**
     * Adds {@code entry} after the existing ones; a name that is already taken is refused (an entry
     * never silently replaces another). Closing the returned registration removes the entry again.
     */
    public Registration register(T entry) {
        String name = add(entry);
        return () -> remove(name, entry);
    }

    private synchronized String add(T entry) {
        String name = nameOf.apply(Objects.requireNonNull(entry));
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a " + kind + " needs a name");
        }
        if (entries.putIfAbsent(name, entry) != null) {
            throw new IllegalStateException("two " + kind + "s are called " + name);
        }
        return name;
    }

    private synchronized void remove(String name, T entry) {
        entries.remove(name, entry);
    }

    /** Every entry, in registration order (built-ins first). */
    public synchronized List<T> all() {
        return List.copyOf(entries.values());
    }

    /** Every name, in registration order. */
    public synchronized List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** The entry called {@code name}, if there is one. */
    public synchronized Optional<T> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** The entry called {@code name}; an unknown name is an {@link IllegalArgumentException} that lists the valid ones. */
    public synchronized T get(String name) {
        T entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("unknown " + kind + " '" + name + "'; " + listLabel + ": "
                    + String.join(", ", new ArrayList<>(entries.keySet())));
        }
        return entry;
    }

    /** An entry added by {@link #register}; {@link #close()} removes it. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
