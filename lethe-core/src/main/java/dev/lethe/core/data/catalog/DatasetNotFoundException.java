package dev.lethe.core.data.catalog;

/**
 * A catalogue data set whose files are not where Lethe looked. The message says where it looked and
 * how to get the files (the canonical source, and where to put them).
 */
public class DatasetNotFoundException extends RuntimeException {

    public DatasetNotFoundException(String message) {
        super(message);
    }
}
