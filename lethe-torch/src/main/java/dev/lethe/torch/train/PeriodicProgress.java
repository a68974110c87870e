package dev.lethe.torch.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress as plain lines, for standard error that is not a terminal (a log file, a pipe, CI): a line once the task
 * has run {@link #FIRST_LINE_AFTER_NANOS two seconds}, then one every {@link #INTERVAL_NANOS ten seconds}, and one at
 * the end — step, share done, the last loss, elapsed time and the time left at the rate so far. A bar's carriage
 * returns would make such output unreadable, and silence would look like a hang.
 */
final class PeriodicProgress implements TrainListener {

    static final long FIRST_LINE_AFTER_NANOS = 2_000_000_000L;
    static final long INTERVAL_NANOS = 10_000_000_000L;

    private final String task;
    private final PrintStream out;
    private final LongSupplier clock;
    private long total;
    private long start;
    private long nextLine;
    private long steps;
    private float lastLoss = Float.NaN;
    private boolean printed;

    PeriodicProgress(String task, PrintStream out, LongSupplier clock) {
        this.task = task;
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void onStart(long totalSteps) {
        total = totalSteps;
        start = clock.getAsLong();
        nextLine = start + FIRST_LINE_AFTER_NANOS;
    }

    @Override
    public void onStep(long step, float loss) {
        steps = step + 1;
        lastLoss = loss;
        long now = clock.getAsLong();
        if (now >= nextLine) {
            print(now);
            nextLine = now + INTERVAL_NANOS;
        }
    }

    @Override
    public void onFinish() {
        if (printed) { // a task short enough to print nothing ends as quietly
            print(clock.getAsLong());
        }
    }

    private void print(long now) {
        double elapsed = (now - start) / 1e9;
        String share = total > 0 ? String.format(Locale.ROOT, "/%d (%.0f%%)", total, 100.0 * steps / total) : "";
        String left = total > 0 && steps > 0 && steps < total ? ", about " + duration(elapsed * (total - steps) / steps) + " left" : "";
        out.printf(Locale.ROOT, "%s: step %d%s, loss %.4f, %s elapsed%s%n", task, steps, share, lastLoss, duration(elapsed), left);
        out.flush();
        printed = true;
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
