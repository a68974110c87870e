package dev.lethe.core.fault;

/**
 * Named points where a process may be made to die on purpose, for crash-safety tests: when the
 * system property {@code lethe.crashAt} equals a point's name, reaching it halts the JVM at once
 * (like SIGKILL: no shutdown hooks, no flushing), with exit status 137. Without the property it does
 * nothing. The tests kill a real child process at each point and check that a rerun finishes the
 * work with the same result.
 */
public final class CrashPoints {

    /** Exit status of a halted process, as after SIGKILL. */
    public static final int EXIT_STATUS = 137;

    private CrashPoints() {
    }

    /** Halts the JVM if {@code -Dlethe.crashAt=name} was given. */
    public static void reach(String name) {
        if (name.equals(System.getProperty("lethe.crashAt"))) {
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
