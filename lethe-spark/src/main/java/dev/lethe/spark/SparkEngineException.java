package dev.lethe.spark;

/**
 * The Spark engine could not finish the shard jobs although its input was sound: a task failed (its message says why),
 * or no executor joined the application in time. Nothing was committed; the request can be resumed.
 */
public final class SparkEngineException extends RuntimeException {

    public SparkEngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
