package dev.lethe.cli;

import dev.lethe.cli.lm.LmCommand;
import dev.lethe.core.LetheVersion;
import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.CancellationException;

/**
 * The {@code lethe} command: one subcommand per job (docs/ARCHITECTURE.md#cli-conventions). Every subcommand is thin: it
 * parses options, calls a service in lethe-core or lethe-torch, and prints.
 */
@Command(name = "lethe", mixinStandardHelpOptions = true, versionProvider = LetheCommand.Version.class,
        description = "Machine unlearning for the JVM: train, forget, and show the evidence.",
        subcommands = {DemoCommand.class, DatasetsCommand.class, TrainCommand.class, EvalCommand.class,
                PredictCommand.class, ImportCommand.class, ExportCommand.class, ForgetCommand.class, AuditCommand.class, RepairCommand.class, MethodsCommand.class, UnlearnCommand.class,
                AttackCommand.class, BenchCommand.class, ServeCommand.class, TokensCommand.class, KeysCommand.class, RequestsCommand.class, StoreCommand.class,
                LmCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  lethe demo", "  lethe train --store my-store --dataset digits --model mlp", "  lethe help forget", "",
                "Exit codes: 0 done, 1 the work failed, 2 bad usage or bad input, 3 a verification found a problem."})
public final class LetheCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line: exit codes and error messages as docs/ARCHITECTURE.md#cli-conventions describes. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new LetheCommand());
        cl.setExecutionExceptionHandler(LetheCommand::handle);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        int code = exitCode(e);
        err.println(cl.getCommandSpec().qualifiedName() + ": " + message(e)); // the whole command: "lethe datasets info: ..."
        if (code == ExitCodes.FAILED && Boolean.getBoolean("lethe.debug")) {
            e.printStackTrace(err);
        } else if (code == ExitCodes.FAILED) {
            err.println("(run with -Dlethe.debug=true, or LETHE_DEBUG=1 with ./lethe, for the stack trace)");
        }
        err.flush();
        return code;
    }

    /** A damaged checkpoint (exit 3), bad input (exit 2), or a failure of the work itself (exit 1). */
    static int exitCode(Throwable e) {
        if (e instanceof dev.lethe.core.sisa.DamagedCheckpointException) {
            return ExitCodes.VERIFICATION_FAILED; // a checksum verification found a damaged file
        }
        if (e instanceof DataFormatException || e instanceof IllegalArgumentException || e instanceof StoreException
                || e instanceof FileNotFoundException || e instanceof java.nio.file.NoSuchFileException
                || e.getClass().getSimpleName().equals("DatasetNotFoundException")
                || e.getClass().getSimpleName().equals("CorruptModelException")) {
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof CancellationException) {
            return ExitCodes.FAILED;
        }
        return ExitCodes.FAILED;
    }

    private static String message(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException nsf) {
            return nsf.getFile() + ": no such file";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return e instanceof IOException && !(e instanceof FileNotFoundException) && !e.getClass().getSimpleName().equals("CorruptModelException")
                ? "I/O error: " + m : m;
    }

    /** Prints the Lethe, Java and engine versions. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"lethe " + LetheVersion.get(), "java " + System.getProperty("java.version")};
        }
    }
}
