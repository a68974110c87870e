package dev.lethe.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** {@code --reason-retention-days} of the commands that take forget requests ({@code forget}, {@code serve}). */
public final class ReasonRetentionOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--reason-retention-days", defaultValue = "30", paramLabel = "DAYS",
            description = "Days a finished request's reason is kept before it is deleted (0: at once). Default: ${DEFAULT-VALUE}.")
    int days;

    /** How long a finished request's reason is kept; a negative count is bad usage. */
    Duration retention() {
        if (days < 0) {
            throw new ParameterException(mixee.commandLine(), "--reason-retention-days must be 0 or more, got " + days);
        }
        return Duration.ofDays(days);
    }
}
