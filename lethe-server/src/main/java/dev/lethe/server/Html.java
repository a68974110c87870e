package dev.lethe.server;

import io.javalin.http.Context;

/**
 * The frame of the dashboard's HTML pages: one stylesheet, no script, and headers that keep the pages out of
 * caches and frames and let them load images from this server only.
 */
final class Html {

    private static final String STYLE = "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}img{border:1px solid #ddd;margin:.3em}"
            + "header{display:flex;justify-content:space-between;align-items:center}.error{color:#b00}";

    private Html() {
    }

    /** Answers a complete page with {@code body} (HTML, already escaped). */
    static void send(Context ctx, int status, String title, String body) {
        ctx.header("Cache-Control", "no-store")
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline';"
                        + " form-action 'self'; frame-ancestors 'none'")
                .status(status)
                .html("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title><style>"
                        + STYLE + "</style></head><body>" + body + "</body></html>");
    }

    /** {@code text} with the characters HTML gives a meaning escaped. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
