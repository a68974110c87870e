package dev.lethe.server.auth;

/**
 * A token just created: the only moment its secret text exists outside the caller's hands.
 *
 * @param token the stored token
 * @param secret the bearer token to hand to the client, {@code lethe_<id>_<secret>}
 */
public record IssuedToken(ApiToken token, String secret) {
}
