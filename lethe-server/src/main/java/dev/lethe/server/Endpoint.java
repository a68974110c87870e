package dev.lethe.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;
import java.util.Map;

/**
 * One route of the API: what the server registers and what {@link OpenApiDocument} describes, from the same value.
 *
 * @param method        the HTTP method
 * @param path          the path, with {@code {name}} path parameters
 * @param access        who may call it
 * @param summary       one line for the OpenAPI document
 * @param queryParams   query parameters it reads
 * @param requestSchema JSON schema of the body, or null when it takes none
 * @param responses     status code → description
 * @param action        what it does
 */
record Endpoint(HandlerType method, String path, Access access, String summary, List<String> queryParams,
                Map<String, Object> requestSchema, Map<Integer, String> responses, Action action) {

    Endpoint {
        queryParams = List.copyOf(queryParams);
        responses = Map.copyOf(responses);
    }

    /** The work of an endpoint, for an authorised caller. */
    interface Action {
        void handle(Context ctx, Caller caller) throws Exception;
    }
}
