package dev.lethe.core.jdbc;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a database is and how to sign in to it. The password travels apart from the URL (from a file or the
 * environment, never the command line), and {@link #toString()} and {@link #describe()} never show it: messages
 * and logs name the database by its redacted URL.
 *
 * @param url      the JDBC URL
 * @param user     the user, or null (the URL or the driver's defaults decide)
 * @param password the password, or null (the URL, {@code PGPASSFILE} or {@code ~/.pgpass} decide)
 */
public record JdbcTarget(String url, String user, String password) {

    // password=…, passwd=…, pwd=… in a query string or a ;key=value list, and user:password@ in an authority
    private static final Pattern PARAM = Pattern.compile("(?i)((?:password|passwd|pwd|sslpassword)=)[^&;]*");
    private static final Pattern USERINFO = Pattern.compile("(//[^/:@?]*:)[^@/?]*@");

    public JdbcTarget {
        Objects.requireNonNull(url, "url");
    }

    /** A target with only a URL (SQLite, or credentials the driver finds itself). */
    public static JdbcTarget of(String url) {
        return new JdbcTarget(url, null, null);
    }

    /** Whether this is a SQLite file. */
    public boolean sqlite() {
        return url.startsWith("jdbc:sqlite:");
    }

    /** The URL with any password masked: what messages and logs may show. */
    public String describe() {
        return redact(url);
    }

    /** Whether a URL carries a password itself (which must then not come from the command line). */
    public static boolean hasPassword(String url) {
        return url != null && !redact(url).equals(url);
    }

    /** {@code text} with every password-looking part of a JDBC URL in it replaced by {@code ***}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = PARAM.matcher(text).replaceAll("$1***");
        return USERINFO.matcher(out).replaceAll("$1***@");
    }

    @Override
    public String toString() {
        return describe() + (user == null ? "" : " as " + user) + (password == null ? "" : " (password given)");
    }
}
