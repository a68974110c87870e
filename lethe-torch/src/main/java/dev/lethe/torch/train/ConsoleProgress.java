package dev.lethe.torch.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/**
 * A progress bar on standard error while training, drawn by the progressbar library. Use
 * {@link #forStandardError(String)}: it draws the bar only when a terminal is attached, and otherwise
 * prints plain periodic lines ({@link PeriodicProgress}), so a log or a pipe stays readable and a long
 * step never runs in silence.
 */
public final class ConsoleProgress implements TrainListener {

    private final String task;
    private ProgressBar bar;

    private ConsoleProgress(String task) {
        this.task = task;
    }

    /** A bar when standard error is a terminal, otherwise a plain line every ten seconds ({@link PeriodicProgress}). */
    public static TrainListener forStandardError(String task) {
        return System.console() != null ? new ConsoleProgress(task) : new PeriodicProgress(task, System.err, System::nanoTime);
    }

    /** One {@link #forStandardError} line or bar per training run of a multi-run job, named "{@code task} {@code stage}". */
    public static StageProgress stagesOnStandardError(String task) {
        return stage -> forStandardError(task + " " + stage);
    }

    @Override
    public void onStart(long totalSteps) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSteps).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).setUnit(" steps", 1)
                .setUpdateIntervalMillis(200).build();
    }

    @Override
    public void onStep(long step, float loss) {
        bar.stepTo(step + 1);
        if (step % 20 == 0) {
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", loss));
        }
    }

    @Override
    public void onFinish() {
        if (bar != null) {
            bar.close();
        }
    }
}
