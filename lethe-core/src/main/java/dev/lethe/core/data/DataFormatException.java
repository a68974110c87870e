package dev.lethe.core.data;

import java.nio.file.Path;

/**
 * Input data that cannot be read as the format it claims to be. The message always names the file,
 * the place in it (a line, a column or a byte offset) and the problem, so that a user can fix it.
 * Loaders throw it before returning anything: nothing is ever half-loaded.
 */
public class DataFormatException extends RuntimeException {

    private final String source;

    public DataFormatException(String source, String where, String problem) {
        super(source + (where == null || where.isEmpty() ? "" : ", " + where) + ": " + problem);
        this.source = source;
    }

    public DataFormatException(Path file, String where, String problem) {
        this(file.toString(), where, problem);
    }

    public DataFormatException(String source, String where, String problem, Throwable cause) {
        this(source, where, problem);
        initCause(cause);
    }

    /** The file or resource that was being read. */
    public String source() {
        return source;
    }
}
