package dev.lethe.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM that runs {@code lethe} on this test's class path (for crash tests that kill it). */
final class ChildJvm {

    private ChildJvm() {
    }

    /** {@code java -Dai.djl.offline=true <jvmOptions> -cp <this class path> LetheCommand <args>}. */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dai.djl.offline=true");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LetheCommand.class.getName());
        command.addAll(args);
        return command;
    }
}
