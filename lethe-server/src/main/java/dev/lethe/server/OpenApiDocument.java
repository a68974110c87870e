package dev.lethe.server;

import dev.lethe.core.LetheVersion;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3 document of the API, built from the same {@link Endpoint} list the server registers. */
final class OpenApiDocument {

    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    private OpenApiDocument() {
    }

    /**
     * {@code GET /v1/openapi.json}, describing {@code routes} as they are when it is called: the server adds this
     * endpoint to that list, so the document describes itself too.
     */
    static Endpoint endpoint(List<Endpoint> routes) {
        return new Endpoint(HandlerType.GET, "/v1/openapi.json", Access.AUTHENTICATED, "This API as an OpenAPI 3 document",
                List.of(), null, Map.of(200, "the document"), (ctx, caller) -> ctx.json(of(routes)));
    }

    static Map<String, Object> of(List<Endpoint> endpoints) {
        Map<String, Object> paths = new TreeMap<>();
        for (Endpoint e : endpoints) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(e.path(), p -> new TreeMap<>());
            item.put(e.method().name().toLowerCase(Locale.ROOT), operation(e));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Map.of("title", "Lethe", "version", LetheVersion.get(),
                "description", "Machine unlearning as a service: forget requests, predictions, models and audits."));
        doc.put("paths", paths);
        doc.put("components", Map.of("securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer"),
                "dashboardCookie", Map.of("type", "apiKey", "in", "cookie", "name", LoginPage.COOKIE,
                        "description", "set by POST /login; accepted by the dashboard's routes only"))));
        return doc;
    }

    private static Map<String, Object> operation(Endpoint e) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", e.summary());
        op.put("operationId", operationId(e));
        List<Map<String, Object>> parameters = new ArrayList<>();
        Matcher m = PATH_PARAM.matcher(e.path());
        while (m.find()) {
            parameters.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
        }
        for (String q : e.queryParams()) {
            parameters.add(Map.of("name", q, "in", "query", "required", false, "schema", Map.of("type", "string")));
        }
        if (!parameters.isEmpty()) {
            op.put("parameters", parameters);
        }
        if (e.requestSchema() != null) {
            op.put("requestBody", Map.of("required", true, "content", Map.of("application/json", Map.of("schema", e.requestSchema()))));
        }
        Map<String, Object> responses = new TreeMap<>();
        e.responses().forEach((code, description) -> responses.put(Integer.toString(code), Map.of("description", description)));
        if (e.access() == Access.DASHBOARD) {
            responses.put("303", Map.of("description", "no Bearer header and no valid dashboard cookie: to the sign-in form"));
            responses.put("401", Map.of("description", "a wrong or revoked Bearer token"));
            op.put("security", List.of(Map.of("bearer", List.of()), Map.of("dashboardCookie", List.of())));
        } else if (e.access() != Access.PUBLIC) {
            responses.put("401", Map.of("description", "no token, or a wrong or revoked one"));
            op.put("security", List.of(Map.of("bearer", List.of())));
        } else {
            op.put("security", List.of());
        }
        if (e.access() == Access.ADMIN || e.access() == Access.DASHBOARD) {
            responses.put("403", Map.of("description", "the token is not an admin token"));
        }
        op.put("responses", responses);
        op.put("x-lethe-access", e.access().name().toLowerCase(Locale.ROOT));
        return op;
    }

    private static String operationId(Endpoint e) {
        StringBuilder id = new StringBuilder(e.method().name().toLowerCase(Locale.ROOT));
        String path = e.path().startsWith("/v1/") ? e.path().substring("/v1/".length()) : e.path();
        if (path.equals("/")) {
            return id.append("Dashboard").toString();
        }
        for (String part : path.split("[/.-]")) {
            String word = part.replaceAll("[{}]", "");
            if (!word.isEmpty()) {
                id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return id.toString();
    }
}
