package dev.lethe.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One line on standard error as each stage of a long command begins — "{@code eval --reference: relearn time of the
 * model (12s elapsed)}" — for steps made of several measurements that have no step count to draw a bar from. Plain
 * lines read the same on a terminal and in a log.
 */
final class StageLog implements Consumer<String> {

    private final String task;
    private final PrintStream out;
    private final LongSupplier clock;
    private final long start;

    StageLog(String task, PrintStream out, LongSupplier clock) {
        this.task = task;
        this.out = out;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** Lines on standard error, or nothing when the command prints JSON (its stdout stays one document; stderr stays quiet). */
    static Consumer<String> forStandardError(String task, boolean quiet) {
        return quiet ? stage -> { } : new StageLog(task, System.err, System::nanoTime);
    }

    @Override
    public void accept(String stage) {
        long seconds = Math.round((clock.getAsLong() - start) / 1e9);
        out.printf(Locale.ROOT, "%s: %s (%ds elapsed)%n", task, stage, seconds);
        out.flush();
    }
}
