package dev.lethe.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A request's JSON object with typed reads that name the field at fault: every wrong type, missing field or
 * unknown field becomes a 400 {@link ApiException} naming it. No string in a body may be longer than
 * {@link #MAX_STRING} characters (ids, reasons and keys are short; a long one is an attempt to fill the ledger).
 */
final class JsonBody {

    /** The longest string any field, or any element of an array field, may hold. */
    static final int MAX_STRING = 4_096;

    // bytes, not a String, and the fast double parser: a 784-pixel vector is mostly number parsing, which
    // dominated the server's own CPU time per prediction with the JDK's String-based parser
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /** Parses {@code body} (UTF-8) as one JSON object whose fields are all among {@code allowed}. */
    static JsonBody parse(byte[] body, Set<String> allowed) {
        JsonNode tree;
        try {
            tree = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body", "malformed JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("body", "unreadable body: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw ApiException.badRequest("body", "the body must be a JSON object");
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest(name, "unknown field '" + name + "'; expected some of " + allowed);
            }
            requireShortStrings(tree.get(name), name);
        }
        return new JsonBody((ObjectNode) tree);
    }

    private static void requireShortStrings(JsonNode v, String field) {
        if (v.isTextual() && v.textValue().length() > MAX_STRING) {
            throw ApiException.badRequest(field, "'" + field + "' holds " + v.textValue().length()
                    + " characters; at most " + MAX_STRING);
        }
        if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                requireShortStrings(v.get(i), field + "[" + i + "]");
            }
        }
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().length() > MAX_STRING) {
                    throw ApiException.badRequest(field, "a key in '" + field + "' holds " + e.getKey().length() + " characters; at most " + MAX_STRING);
                }
                requireShortStrings(e.getValue(), field + "." + e.getKey());
            }
        }
    }

    boolean has(String field) {
        return node.hasNonNull(field);
    }

    /** A string field, or null when absent or null. */
    String optionalString(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest(field, "'" + field + "' must be a string");
        }
        return v.asText();
    }

    /** An integer field in {@code [min, max]}, or {@code absent} when the field is absent or null. */
    long optionalInteger(String field, long min, long max, long absent) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.badRequest(field, "'" + field + "' must be an integer");
        }
        long value = v.asLong();
        if (value < min || value > max) {
            throw ApiException.badRequest(field, "'" + field + "' is " + value + "; it must be between " + min + " and " + max);
        }
        return value;
    }

    /** A finite number field in {@code [min, max]}, or {@code absent} when the field is absent or null. */
    double optionalNumber(String field, double min, double max, double absent) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw ApiException.badRequest(field, "'" + field + "' must be a finite number");
        }
        double value = v.asDouble();
        if (value < min || value > max) {
            throw ApiException.badRequest(field, "'" + field + "' is " + value + "; it must be between " + min + " and " + max);
        }
        return value;
    }

    /** A non-empty array of strings with at most {@code max} elements. */
    List<String> stringArray(String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw ApiException.badRequest(field, "'" + field + "' must be an array of strings");
        }
        if (v.isEmpty()) {
            throw ApiException.badRequest(field, "'" + field + "' is empty; name at least one id");
        }
        if (v.size() > max) {
            throw ApiException.badRequest(field, "'" + field + "' names " + v.size() + " ids; at most " + max
                    + " per request");
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw ApiException.badRequest(field + "[" + i + "]", "'" + field + "[" + i + "]' must be a string");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    /**
     * A record in its data set's own form: by column name, or as values in column order (exactly one is set).
     *
     * @param byName column name → raw value, or null
     * @param inOrder raw values in column order, or null
     */
    record RawRecord(Map<String, String> byName, List<String> inOrder) {
    }

    /** A non-empty array of raw records (objects or arrays of strings and numbers), at most {@code max} of them. */
    List<RawRecord> rawRecords(String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw ApiException.badRequest(field, "'" + field + "' must be a non-empty array of records (objects or arrays)");
        }
        if (v.size() > max) {
            throw ApiException.badRequest(field, "'" + field + "' holds " + v.size() + " records; at most " + max + " per request");
        }
        List<RawRecord> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode r = v.get(i);
            String at = field + "[" + i + "]";
            if (r.isObject()) {
                Map<String, String> byName = new java.util.LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    byName.put(e.getKey(), scalar(e.getValue(), at + "." + e.getKey()));
                }
                out.add(new RawRecord(byName, null));
            } else if (r.isArray()) {
                List<String> values = new ArrayList<>(r.size());
                for (int k = 0; k < r.size(); k++) {
                    values.add(scalar(r.get(k), at + "[" + k + "]"));
                }
                out.add(new RawRecord(null, values));
            } else {
                throw ApiException.badRequest(at, "'" + at + "' must be an object (column → value) or an array of values");
            }
        }
        return out;
    }

    /** A raw value: a string, a number (as written) or null (missing). */
    private static String scalar(JsonNode x, String field) {
        if (x.isNull()) {
            return "";
        }
        if (x.isTextual()) {
            return x.textValue();
        }
        if (x.isNumber()) {
            return x.asText();
        }
        throw ApiException.badRequest(field, "'" + field + "' must be a string, a number or null");
    }

    /** One vector of numbers, of exactly {@code width} elements. */
    float[] vector(String field, int width) {
        return vector(node.get(field), field, width);
    }

    /** A non-empty array of number vectors, each of {@code width} elements, at most {@code max} of them. */
    float[][] vectors(String field, int width, int max) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw ApiException.badRequest(field, "'" + field + "' must be a non-empty array of feature vectors");
        }
        if (v.size() > max) {
            throw ApiException.badRequest(field, "'" + field + "' holds " + v.size() + " vectors; at most " + max
                    + " per request");
        }
        float[][] out = new float[v.size()][];
        for (int i = 0; i < v.size(); i++) {
            out[i] = vector(v.get(i), field + "[" + i + "]", width);
        }
        return out;
    }

    private static float[] vector(JsonNode v, String field, int width) {
        if (v == null || !v.isArray()) {
            throw ApiException.badRequest(field, "'" + field + "' must be an array of " + width + " numbers");
        }
        if (v.size() != width) {
            throw ApiException.badRequest(field, "'" + field + "' has " + v.size() + " features; the model takes "
                    + width);
        }
        float[] out = new float[width];
        for (int i = 0; i < width; i++) {
            JsonNode x = v.get(i);
            if (!x.isNumber() || !Double.isFinite(x.asDouble())) {
                throw ApiException.badRequest(field + "[" + i + "]", "'" + field + "[" + i + "]' must be a finite number");
            }
            if (Math.abs(x.asDouble()) > Float.MAX_VALUE) {
                // the model computes in float32: a larger value would become Infinity
                throw ApiException.badRequest(field + "[" + i + "]", "'" + field + "[" + i + "]' is " + x.asDouble()
                        + ", outside the float32 range the model computes in (magnitude at most " + Float.MAX_VALUE + ")");
            }
            out[i] = (float) x.asDouble();
        }
        return out;
    }
}
