package dev.lethe.server;

/**
 * A refusal the client can act on: an HTTP status, the request field at fault (null when none) and a message.
 * Answered as {@code {"error": message, "field": field}}.
 */
class ApiException extends RuntimeException {

    private final int status;
    private final String field;

    ApiException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    static ApiException badRequest(String field, String message) {
        return new ApiException(400, field, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, null, message);
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }
}
