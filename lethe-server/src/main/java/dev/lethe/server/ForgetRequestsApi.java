package dev.lethe.server;

import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.IdempotencyConflictException;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.ledger.RequestStatus;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.UnknownRecordException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/forget-requests}: intake (durable in the ledger before the 202), status of one request, and a paged
 * list. Exactly one of {@code recordIds}, {@code subjectIds} or {@code label} says what to forget.
 */
final class ForgetRequestsApi {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;

    private static final Set<String> FIELDS = Set.of("recordIds", "subjectIds", "label", "reason", "idempotencyKey");

    private final ForgetService service;
    private final Ledger ledger;
    private final Runnable onAccepted;
    private final int maxIds;

    ForgetRequestsApi(ForgetService service, Ledger ledger, Runnable onAccepted, int maxIds) {
        this.service = service;
        this.ledger = ledger;
        this.onAccepted = onAccepted;
        this.maxIds = maxIds;
    }

    List<Endpoint> endpoints() {
        Map<String, Object> body = Map.of("type", "object", "properties", Map.of(
                "recordIds", Map.of("type", "array", "items", Map.of("type", "string"), "maxItems", maxIds),
                "subjectIds", Map.of("type", "array", "items", Map.of("type", "string"), "maxItems", maxIds),
                "label", Map.of("type", "string"),
                "reason", Map.of("type", "string"),
                "idempotencyKey", Map.of("type", "string")));
        return List.of(
                new Endpoint(HandlerType.POST, "/v1/forget-requests", Access.ADMIN,
                        "Submit a forget request (record ids, subject ids or a label); durable before the answer",
                        List.of(), body, Map.of(202, "accepted: the new request's id", 200,
                        "the idempotency key was used before: the original request", 400, "bad input, naming the field",
                        422, "a record id that this store neither holds nor has forgotten (the message shows the id format)",
                        409, "the idempotency key was used for a different request", 413, "body too large"), this::submit),
                new Endpoint(HandlerType.GET, "/v1/forget-requests/{id}", Access.AUTHENTICATED,
                        "Status of one forget request, with its receipt when done (clients see their own only)",
                        List.of(), null, Map.of(200, "the request", 404, "no such request"), this::get),
                new Endpoint(HandlerType.GET, "/v1/forget-requests", Access.ADMIN,
                        "Forget requests in acceptance order, optionally of one status, paged",
                        List.of("status", "offset", "limit"), null, Map.of(200, "a page of requests"), this::list));
    }

    private void submit(Context ctx, Caller caller) throws Exception {
        JsonBody body = JsonBody.parse(ctx.bodyAsBytes(), FIELDS);
        List<String> given = List.of("recordIds", "subjectIds", "label").stream().filter(body::has).toList();
        if (given.size() != 1) {
            throw ApiException.badRequest(given.isEmpty() ? "recordIds" : given.get(1),
                    "give exactly one of recordIds, subjectIds or label; got " + (given.isEmpty() ? "none" : given));
        }
        String field = given.get(0);
        ForgetKind kind = switch (field) {
            case "recordIds" -> ForgetKind.RECORDS;
            case "subjectIds" -> ForgetKind.SUBJECTS;
            default -> ForgetKind.LABEL;
        };
        List<String> values = kind == ForgetKind.LABEL ? List.of(body.optionalString("label")) : body.stringArray(field, maxIds);
        Ledger.Acceptance acceptance;
        try {
            acceptance = service.submit(new RequestSpec(kind, values, body.optionalString("reason"),
                    body.optionalString("idempotencyKey")), caller.name());
        } catch (IdempotencyConflictException e) {
            throw new ApiException(409, "idempotencyKey", e.getMessage());
        } catch (UnknownRecordException e) {
            // well-formed, but names nothing this store holds or forgot: unprocessable, not malformed
            throw new ApiException(422, field + "[" + e.position() + "]", e.getMessage().replace("values[", field + "["));
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "invalid request" : e.getMessage();
            boolean positional = kind != ForgetKind.LABEL && message.startsWith("values[");
            throw ApiException.badRequest(message.startsWith("idempotencyKey") ? "idempotencyKey"
                    : message.startsWith("reason") ? "reason"
                    : positional ? field + message.substring(6, message.indexOf(']') + 1) : field,
                    message.replace("values[", field + "["));
        }
        ForgetRequest request = acceptance.request();
        if (acceptance.created()) {
            onAccepted.run();
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", request.id());
            doc.put("status", RequestViews.status(request.status()));
            doc.put("location", "/v1/forget-requests/" + request.id());
            ctx.status(202).header("Location", "/v1/forget-requests/" + request.id()).json(doc);
        } else {
            ctx.status(200).json(RequestViews.view(request));
        }
    }

    private void get(Context ctx, Caller caller) {
        String id = ctx.pathParam("id");
        ForgetRequest r = ledger.find(id)
                .filter(found -> caller.admin() || found.principal().equals(caller.name()))
                .orElseThrow(() -> ApiException.notFound("no forget request " + id));
        ctx.json(RequestViews.view(r));
    }

    private void list(Context ctx, Caller caller) {
        String statusName = ctx.queryParam("status");
        RequestStatus status = statusName == null ? null : RequestViews.parseStatus(statusName, "status");
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        List<ForgetRequest> page = ledger.list(status, offset, limit + 1);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("items", page.stream().limit(limit).map(RequestViews::view).toList());
        doc.put("offset", offset);
        doc.put("limit", limit);
        doc.put("nextOffset", page.size() > limit ? offset + limit : null);
        ctx.json(doc);
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest(name, "'" + name + "' must be an integer from " + min + " to " + max + ", got '" + text + "'");
    }
}
