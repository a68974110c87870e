package dev.lethe.server;

import dev.lethe.core.text.QaFormat;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.torch.lm.GenerationConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/generate} on a language-model store: a text prompt → the text the current model version continues it
 * with, until the end-of-answer marker ({@link QaFormat#END_OF_ANSWER}) or {@code maxTokens}, with the version that
 * answered. Greedy by default; {@code temperature} above 0 samples (with {@code topK} and {@code seed}), so a seed
 * always gives the same text from the same version. A classifier's store refuses it (409), as a language-model store
 * refuses {@code /v1/predict}.
 */
final class GenerateApi {

    /** The most tokens one call may ask for. */
    static final int MAX_TOKENS = 1_024;
    /** The highest temperature accepted: far flatter than any useful sampling, and still a finite divisor. */
    static final int MAX_TEMPERATURE = 100;
    /** Tokens generated when the call does not say. */
    static final int DEFAULT_TOKENS = 64;

    private static final Set<String> FIELDS = Set.of("prompt", "maxTokens", "temperature", "topK", "seed");

    private final ServedModels models;
    private final Tokenizer tokenizer;
    private final String refusal;
    private final PendingRequests pending;

    /**
     * @param tokenizer the store's tokenizer, or null for a classifier's store (then every call is refused with {@code refusal})
     */
    GenerateApi(ServedModels models, Tokenizer tokenizer, String refusal, PendingRequests pending) {
        this.models = models;
        this.tokenizer = tokenizer;
        this.refusal = refusal;
        this.pending = pending;
    }

    List<Endpoint> endpoints() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("prompt", Map.of("type", "string", "minLength", 1, "maxLength", JsonBody.MAX_STRING));
        properties.put("maxTokens", Map.of("type", "integer", "minimum", 1, "maximum", MAX_TOKENS, "default", DEFAULT_TOKENS));
        properties.put("temperature", Map.of("type", "number", "minimum", 0, "maximum", MAX_TEMPERATURE, "default", 0));
        properties.put("topK", Map.of("type", "integer", "minimum", 0, "default", 0));
        properties.put("seed", Map.of("type", "integer", "default", 0));
        Map<String, Object> body = Map.of("type", "object", "required", List.of("prompt"), "properties", properties);
        return List.of(new Endpoint(HandlerType.POST, "/v1/generate", Access.AUTHENTICATED,
                "Text continuing a prompt (greedy, or sampled with temperature, topK and seed) from the current version of a"
                        + " language-model store",
                List.of(), body, Map.of(200, "the generated text, its token count and the model version that answered (and"
                        + " pendingForgetRequests while accepted forget requests wait)", 400,
                        "bad input, naming the field (a prompt longer than the model's context says both lengths)", 409,
                        "the store serves a classifier, not a language model", 413, "body too large"), this::generate));
    }

    private void generate(Context ctx, Caller caller) {
        if (tokenizer == null) {
            throw new ApiException(409, null, refusal);
        }
        JsonBody body = JsonBody.parse(ctx.bodyAsBytes(), FIELDS);
        String prompt = body.optionalString("prompt");
        if (prompt == null || prompt.isEmpty()) {
            throw ApiException.badRequest("prompt", "'prompt' must be a non-empty string: the text to continue");
        }
        GenerationConfig config = new GenerationConfig((int) body.optionalInteger("maxTokens", 1, MAX_TOKENS, DEFAULT_TOKENS),
                (float) body.optionalNumber("temperature", 0, MAX_TEMPERATURE, 0), (int) body.optionalInteger("topK", 0, Integer.MAX_VALUE, 0),
                body.optionalInteger("seed", Long.MIN_VALUE, Long.MAX_VALUE, 0), stopToken(), true);
        int[] ids = tokenizer.encode(prompt);
        Map<String, Object> doc = models.withCurrent(m -> {
            int[] tokens;
            try {
                tokens = m.generate(ids, config);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("prompt", e.getMessage());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("text", tokenizer.decode(tokens));
            out.put("tokens", tokens.length);
            out.put("modelVersion", m.version());
            return out;
        });
        Map<String, Object> waiting = pending.snapshot().view();
        if (waiting != null) {
            doc.put("pendingForgetRequests", waiting);
        }
        ctx.json(doc);
    }

    /** The end-of-answer marker's token when it is one token, else none (generation then runs to maxTokens). */
    private int stopToken() {
        int[] marker = tokenizer.encode(QaFormat.END_OF_ANSWER);
        return marker.length == 1 ? marker[0] : -1;
    }
}
