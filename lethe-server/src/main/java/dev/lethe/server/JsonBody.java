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
