package dev.lethe.torch.method;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Options of a method as text: {@code key=value} pairs (key = field name, or {@code <method>.<field>}),
 * turned into the method's validated options record over its defaults, and back. Unknown keys and
 * invalid values fail with a message that lists what is valid, before any work starts.
 *
 * <p>The one reading of {@code --opt KEY=VALUE} for every command that takes it ({@code unlearn},
 * {@code attack --attack u-lira}, {@code bench methods}): {@link #fromPairs} reads the arguments,
 * {@link #parse} validates one method's, {@link #requireAddressed} the keys meant for several methods.
 */
public final class MethodOptions {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private MethodOptions() {
    }

    /**
     * One option as {@code lethe methods} shows it.
     *
     * @param key {@code <method>.<field>}
     * @param type the value's type
     * @param defaultValue the default, as text
     * @param description what it means (the paper's symbol in brackets)
     */
    public record Info(String key, String type, String defaultValue, String description) {
    }

    /** Appended to the description of a method's {@link Strength} option: the default shown is not what a run uses. */
    static final String STRENGTH_NOTE = " [its strength: set from the data when unset, see README \"Method strength from the data\"]";
    /** Appended to the description of a strength's {@link Strength.Retry} option: the calibration may change it. */
    static final String RETRY_NOTE = " [changed from the data when unset and its strength cannot meet the bounds, see README \"Method strength from the data\"]";

    /** The options as a map field → value (the form receipts and reports record). */
    public static Map<String, Object> toMap(Record options) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (RecordComponent c : options.getClass().getRecordComponents()) {
            try {
                out.put(c.getName(), c.getAccessor().invoke(options));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read option " + c.getName(), e);
            }
        }
        return out;
    }

    /** The options as {@code <method>.<field>=value} properties. */
    public static Map<String, String> toProperties(UnlearningMethod<?> method, Record options) {
        Map<String, String> out = new LinkedHashMap<>();
        toMap(options).forEach((k, v) -> out.put(method.name() + "." + k, String.valueOf(v)));
        return out;
    }

    /**
     * {@code options} sorted by key, unmodifiable: what a run configuration holds, because a run folder's config hash is
     * taken over its JSON and {@code Map.copyOf}'s iteration order changes from one JVM to the next (a rerun with the same
     * options would not resume).
     */
    public static Map<String, String> sortedByKey(Map<String, String> options) {
        return java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(options));
    }

    /**
     * {@code --opt} arguments, each {@code KEY=VALUE}, as a map in their order; a key given twice keeps its
     * last value. A pair without {@code =} or without a key is refused with what to write instead.
     */
    public static Map<String, String> fromPairs(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--opt '" + pair + "' is not KEY=VALUE; write e.g. --opt grad-ascent.epochs=3"
                        + " (a method's options: 'lethe methods')");
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    /** The entries of {@code options} addressed to {@code method}, i.e. whose key is {@code <method>.<field>}. */
    public static Map<String, String> addressedTo(UnlearningMethod<?> method, Map<String, String> options) {
        Map<String, String> own = new LinkedHashMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith(method.name() + ".")) {
                own.put(k, v);
            }
        });
        return own;
    }

    /**
     * Options meant for several methods at once ({@code bench methods}): each method's own keys are
     * validated ({@link #parse}), and a key addressed to none of {@code methods} is refused.
     */
    public static void requireAddressed(List<? extends UnlearningMethod<?>> methods, Map<String, String> options) {
        for (UnlearningMethod<?> m : methods) {
            parse(m, addressedTo(m, options));
        }
        for (String key : options.keySet()) {
            if (methods.stream().noneMatch(m -> key.startsWith(m.name() + "."))) {
                throw new IllegalArgumentException("--opt " + key
                        + ": not an option of a chosen method; write <method>.<option>, e.g. ssd.alpha (see 'lethe methods')");
            }
        }
    }

    /**
     * The method's defaults with {@code overrides} applied. Keys may carry the method's prefix and may be written in
     * kebab-case ({@code npo.learning-rate} is {@code npo.learningRate}); a value that is not of the option's type is
     * refused naming the option, the type and the value.
     */
    public static <O extends Record> O parse(UnlearningMethod<O> method, Map<String, String> overrides) {
        Map<String, Object> values = toMap(method.defaults());
        Map<String, Class<?>> types = new LinkedHashMap<>();
        for (RecordComponent c : method.optionsType().getRecordComponents()) {
            types.put(c.getName(), c.getType());
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey().startsWith(method.name() + ".") ? e.getKey().substring(method.name().length() + 1) : e.getKey();
            String field = values.containsKey(key) ? key : camelCase(key);
            if (!values.containsKey(field)) {
                throw new IllegalArgumentException("method " + method.name() + " has no option '" + e.getKey() + "'; its options: "
                        + String.join(", ", values.keySet().stream().map(k -> method.name() + "." + k).toList()));
            }
            values.put(field, checkedValue(method.name() + "." + field, types.get(field), e.getValue()));
        }
        try {
            return JSON.convertValue(values, method.optionsType());
        } catch (IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String problem = root instanceof IllegalArgumentException ? root.getMessage()
                    : e.getMessage().split("\n")[0].replaceAll(" \\(class [^)]*\\)", "");
            throw new IllegalArgumentException("invalid options for " + method.name() + ": " + problem, e);
        }
    }

    /**
     * Whether {@code overrides} set the option {@code option} ({@code <method>.<field>}) of {@code method}, in any of the
     * spellings {@link #parse} accepts (with or without the prefix, camel- or kebab-case).
     */
    public static boolean sets(UnlearningMethod<?> method, Map<String, String> overrides, String option) {
        String field = fieldOf(method, option);
        return overrides.keySet().stream().anyMatch(k -> fieldOf(method, k).equals(field));
    }

    /** The field an option key names: the method's prefix dropped, kebab-case as camelCase. */
    private static String fieldOf(UnlearningMethod<?> method, String key) {
        String bare = key.startsWith(method.name() + ".") ? key.substring(method.name().length() + 1) : key;
        return camelCase(bare);
    }

    /** An option key in kebab-case as its field name: {@code learning-rate} → {@code learningRate}. */
    public static String camelCase(String kebab) {
        StringBuilder out = new StringBuilder(kebab.length());
        boolean upper = false;
        for (char ch : kebab.toCharArray()) {
            if (ch == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return out.toString();
    }

    /** {@code text} checked against the option's {@code type}, so a wrong value is refused in our words, not Jackson's. */
    private static String checkedValue(String option, Class<?> type, String text) {
        String value = text.strip();
        try {
            if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
                Long.parseLong(value);
            } else if (type == float.class || type == Float.class || type == double.class || type == Double.class) {
                Double.parseDouble(value);
            } else if (type == boolean.class || type == Boolean.class) {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw new NumberFormatException();
                }
                return value.toLowerCase(Locale.ROOT);
            } else if (type.isEnum()) {
                for (Object constant : type.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(value.replace('-', '_'))) {
                        return ((Enum<?>) constant).name();
                    }
                }
                List<String> names = new ArrayList<>();
                for (Object constant : type.getEnumConstants()) {
                    names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'));
                }
                throw new IllegalArgumentException(option + " must be one of " + String.join(", ", names) + ", got '" + text + "'");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be " + typeInWords(type) + ", got '" + text + "'");
        }
        return value;
    }

    private static String typeInWords(Class<?> type) {
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        return type == int.class || type == Integer.class || type == long.class || type == Long.class ? "a whole number" : "a number";
    }

    /** Every option of a method with its default and description. */
    public static List<Info> describe(UnlearningMethod<?> method) {
        List<Info> out = new ArrayList<>();
        String strength = method.strength().map(Strength::option).orElse("");
        String retry = method.strength().map(Strength::retry).map(Strength.Retry::option).orElse("");
        Record defaults = method.defaults();
        for (RecordComponent c : defaults.getClass().getRecordComponents()) {
            JsonPropertyDescription d = c.getAccessor().getAnnotation(JsonPropertyDescription.class);
            Object value;
            try {
                value = c.getAccessor().invoke(defaults);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read option " + c.getName(), e);
            }
            String key = method.name() + "." + c.getName();
            String description = d == null ? "" : d.value();
            out.add(new Info(key, c.getType().getSimpleName(), String.valueOf(value),
                    key.equals(strength) ? description + STRENGTH_NOTE : key.equals(retry) ? description + RETRY_NOTE : description));
        }
        return out;
    }

    /** Checks a number is in a range, for options records' constructors. */
    public static void require(boolean ok, String option, Object value, String range) {
        if (!ok) {
            throw new IllegalArgumentException(option + " must be " + range + ", got " + value);
        }
    }
}
