package dev.lethe.core.data.catalog;

import java.io.IOException;

/** A downloaded file whose content does not have the pinned SHA-256; the download was discarded. */
public class ChecksumMismatchException extends IOException {

    private final String expected;
    private final String actual;

    public ChecksumMismatchException(String url, String expected, String actual) {
        super(url + ": content SHA-256 is " + actual + ", expected " + expected + "; the download was discarded");
        this.expected = expected;
        this.actual = actual;
    }

    /** The pinned checksum. */
    public String expected() {
        return expected;
    }

    /** The checksum of what was downloaded (or why it could not be computed). */
    public String actual() {
        return actual;
    }
}
