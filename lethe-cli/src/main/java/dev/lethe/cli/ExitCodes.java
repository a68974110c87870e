package dev.lethe.cli;

/** The exit codes of every {@code lethe} command (docs/ARCHITECTURE.md#cli-conventions). */
public final class ExitCodes {

    /** The work is done. */
    public static final int OK = 0;
    /** The work failed; the message says why. */
    public static final int FAILED = 1;
    /** Bad usage or bad input (picocli's convention): a wrong option, a malformed file, an unknown name. */
    public static final int BAD_INPUT = 2;
    /** An audit or verification found a problem. */
    public static final int VERIFICATION_FAILED = 3;

    private ExitCodes() {
    }
}
