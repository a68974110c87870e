package dev.lethe.server;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.encoding.InputEncoding;
import dev.lethe.torch.sisa.SisaEnsemble;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/predict}: records in their data set's own form ({@code records}: each an object of column → value,
 * or an array of raw values in column order), encoded with the store's {@link InputEncoding} as training did; or
 * already-encoded feature vectors, one ({@code features}) or a batch ({@code instances}) → class and scores per input,
 * with the model version that answered (all inputs of a call are answered by one version).
 */
final class PredictApi {

    private static final Set<String> FIELDS = Set.of("features", "instances", "records");

    private final ServedModels models;
    private final List<String> classNames;
    private final int width;
    private final String scoreKind;
    private final int maxBatch;
    private final PendingRequests pending;
    private final String refusal;
    private final InputEncoding encoding;

    /**
     * @param encoding how raw records become features (the store's), or null when the store kept none
     * @param refusal why this store answers no predictions (a language-model store), or null when it does
     */
    PredictApi(ServedModels models, List<String> classNames, int width, String scoreKind, int maxBatch,
               PendingRequests pending, InputEncoding encoding, String refusal) {
        this.encoding = encoding;
        this.pending = pending;
        this.refusal = refusal;
        this.models = models;
        this.classNames = List.copyOf(classNames);
        this.width = width;
        this.scoreKind = scoreKind;
        this.maxBatch = maxBatch;
    }

    List<Endpoint> endpoints() {
        Map<String, Object> vector = Map.of("type", "array", "items", Map.of("type", "number"), "minItems", width,
                "maxItems", width);
        Map<String, Object> body = Map.of("type", "object", "properties", Map.of("features", vector,
                "instances", Map.of("type", "array", "items", vector, "maxItems", maxBatch),
                "records", Map.of("type", "array", "maxItems", maxBatch, "items", Map.of("oneOf", List.of(
                        Map.of("type", "object", "description", "column name → raw value"),
                        Map.of("type", "array", "description", "raw values in column order"))))));
        return List.of(new Endpoint(HandlerType.POST, "/v1/predict", Access.AUTHENTICATED,
                "Class and scores for records in the data set's own form (records, encoded as in training) or for encoded feature"
                        + " vectors, one (features) or a batch (instances), from the current model version",
                List.of(), body, Map.of(200, "predictions and the model version that answered (and pendingForgetRequests while"
                        + " accepted forget requests wait)", 400,
                "bad input, naming the field", 409, "the store serves a language model, not a classifier", 413, "body too large"),
                this::predict));
    }

    private void predict(Context ctx, Caller caller) {
        if (refusal != null) {
            throw new ApiException(409, null, refusal);
        }
        JsonBody body = JsonBody.parse(ctx.bodyAsBytes(), FIELDS);
        int given = (body.has("features") ? 1 : 0) + (body.has("instances") ? 1 : 0) + (body.has("records") ? 1 : 0);
        if (given != 1) {
            throw ApiException.badRequest("features", "give exactly one of records (raw records), features (one encoded vector) or"
                    + " instances (a batch of encoded vectors)");
        }
        float[][] inputs = body.has("records") ? records(body) : body.has("features") ? new float[][]{body.vector("features", width)}
                : body.vectors("instances", width, maxBatch);
        Map<String, Object> doc = models.withCurrent(m -> {
            SisaEnsemble.Answer answer = m.answer(inputs);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < inputs.length; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("class", classNames.get(answer.classes()[i]));
                row.put("label", answer.classes()[i]);
                row.put("probabilities", answer.scores()[i]);
                rows.add(row);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("modelVersion", m.version());
            out.put("scoreKind", scoreKind);
            out.put("predictions", rows);
            return out;
        });
        Map<String, Object> waiting = pending.snapshot().view();
        if (waiting != null) {
            doc.put("pendingForgetRequests", waiting);
        }
        ctx.json(doc);
    }

    /** {@code records}, each encoded with the store's encoding; a record it cannot encode is refused naming it and why. */
    private float[][] records(JsonBody body) {
        if (encoding == null) {
            throw ApiException.badRequest("records", "this store keeps no input encoding (its model was trained before Lethe kept one,"
                    + " or on images), so raw records cannot be encoded: send encoded vectors as features or instances");
        }
        List<JsonBody.RawRecord> raw = body.rawRecords("records", maxBatch);
        float[][] out = new float[raw.size()][];
        for (int i = 0; i < raw.size(); i++) {
            String field = "records[" + i + "]";
            try {
                JsonBody.RawRecord r = raw.get(i);
                out[i] = r.byName() != null ? encoding.encode(r.byName(), field) : encoding.encode(r.inOrder(), field);
            } catch (DataFormatException e) {
                throw ApiException.badRequest(field, e.getMessage());
            }
        }
        return out;
    }
}
