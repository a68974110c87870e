package dev.lethe.cli;

import dev.lethe.torch.scenario.bench.BenchListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;

/**
 * Progress of {@code lethe bench scenario} and {@code bench tofu} on standard error: a progress bar over the (seed, method)
 * results when a terminal is attached, else one log line per finished result (for CI logs). Standard
 * output stays for the summary and {@code --json}.
 */
final class ScenarioProgress implements BenchListener, AutoCloseable {

    private final PrintWriter err;
    private final String name;
    private final boolean logTasks;
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private int total;
    private int done;

    ScenarioProgress(PrintWriter err) {
        this(err, "scenario", false);
    }

    /**
     * Progress named {@code name}; with {@code logTasks}, also one line when each task starts (without a
     * terminal), for runs whose single tasks take minutes.
     */
    ScenarioProgress(PrintWriter err, String name, boolean logTasks) {
        this.err = err;
        this.name = name;
        this.logTasks = logTasks;
    }

    @Override
    public void onPlan(int tasks) {
        total = tasks;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(tasks).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(200).build();
        }
    }

    @Override
    public void onTask(String task) {
        if (bar != null) {
            bar.setExtraMessage(task);
        } else if (logTasks) {
            err.printf("[%d/%d] %s ...%n", done + 1, total, task);
            err.flush();
        }
    }

    @Override
    public void onDone(String task, boolean reused) {
        done++;
        if (bar != null) {
            bar.stepTo(done);
        } else {
            err.printf("[%d/%d] %s%s%n", done, total, task, reused ? " (finished earlier, reused)" : "");
            err.flush();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
