package dev.lethe.torch.model;

/** A model file that cannot be read: the message names the file and what is wrong with it. */
public class CorruptModelException extends java.io.IOException {

    public CorruptModelException(String source, String problem) {
        super(source + ": " + problem + "; the file is damaged or not a Lethe model — retrain or restore it");
    }

    public CorruptModelException(String source, String problem, Throwable cause) {
        this(source, problem);
        initCause(cause);
    }
}
