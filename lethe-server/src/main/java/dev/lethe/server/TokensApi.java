package dev.lethe.server;

import dev.lethe.server.auth.ApiToken;
import dev.lethe.server.auth.IssuedToken;
import dev.lethe.server.auth.Role;
import dev.lethe.server.auth.TokenStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /v1/tokens}: admins issue, list and revoke API tokens. The secret is in the creation answer only. */
final class TokensApi {

    private final TokenStore tokens;

    TokensApi(TokenStore tokens) {
        this.tokens = tokens;
    }

    List<Endpoint> endpoints() {
        Map<String, Object> body = Map.of("type", "object", "required", List.of("name", "role"), "properties",
                Map.of("name", Map.of("type", "string"), "role", Map.of("type", "string", "enum", List.of("admin", "client"))));
        return List.of(
                new Endpoint(HandlerType.POST, "/v1/tokens", Access.ADMIN, "Issue a token (its secret is shown once)",
                        List.of(), body, Map.of(201, "the token and its secret", 400, "bad name or role"), this::create),
                new Endpoint(HandlerType.GET, "/v1/tokens", Access.ADMIN, "Every token issued, without secrets",
                        List.of(), null, Map.of(200, "the tokens"), this::list),
                new Endpoint(HandlerType.DELETE, "/v1/tokens/{name}", Access.ADMIN, "Revoke a token",
                        List.of(), null, Map.of(204, "revoked", 404, "no active token of that name"), this::revoke));
    }

    private void create(Context ctx, Caller caller) {
        JsonBody body = JsonBody.parse(ctx.bodyAsBytes(), Set.of("name", "role"));
        String name = body.optionalString("name");
        String roleName = body.optionalString("role");
        if (name == null) {
            throw ApiException.badRequest("name", "'name' is required");
        }
        Role role;
        try {
            role = Role.parse(roleName);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("role", e.getMessage());
        }
        IssuedToken issued;
        try {
            issued = tokens.create(name, role);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("name", e.getMessage());
        }
        Map<String, Object> doc = issued.token().describe();
        doc.put("token", issued.secret());
        ctx.status(201).json(doc);
    }

    private void list(Context ctx, Caller caller) {
        ctx.json(Map.of("items", tokens.list().stream().map(ApiToken::describe).toList()));
    }

    private void revoke(Context ctx, Caller caller) {
        String name = ctx.pathParam("name");
        if (!tokens.revoke(name)) {
            throw ApiException.notFound("no active token named '" + name + "'");
        }
        ctx.status(204);
    }
}
