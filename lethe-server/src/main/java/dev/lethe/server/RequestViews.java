package dev.lethe.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.ledger.ForgetRequest;
import dev.lethe.core.ledger.RequestStatus;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The wire form of forget requests: statuses as the API names them ({@code queued, running, done, failed}) and
 * a request as JSON without its raw values (they are personal data; the count and digest stand for them).
 */
final class RequestViews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestViews() {
    }

    static String status(RequestStatus status) {
        return status == RequestStatus.ACCEPTED ? "queued" : status.name().toLowerCase(Locale.ROOT);
    }

    /** The ledger status the API name stands for, or a 400 naming {@code field}. */
    static RequestStatus parseStatus(String name, String field) {
        for (RequestStatus s : RequestStatus.values()) {
            if (status(s).equals(name)) {
                return s;
            }
        }
        throw ApiException.badRequest(field, "unknown status '" + name + "': use queued, running, done or failed");
    }

    static Map<String, Object> view(ForgetRequest r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id());
        v.put("status", status(r.status()));
        v.put("kind", r.kind().name().toLowerCase(Locale.ROOT));
        v.put("valuesCount", r.valuesCount());
        v.put("valuesDigest", r.valuesDigest());
        v.put("reason", r.reason());
        v.put("principal", r.principal());
        v.put("acceptedAt", r.acceptedAt().toString());
        v.put("completedAt", r.completedAt() == null ? null : r.completedAt().toString());
        v.put("batchId", r.batchId());
        v.put("receipt", receipt(r.receiptJson()));
        v.put("failure", r.failure());
        return v;
    }

    private static Object receipt(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the ledger holds a receipt that is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
