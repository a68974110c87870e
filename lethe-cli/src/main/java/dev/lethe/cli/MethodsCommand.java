package dev.lethe.cli;

import dev.lethe.torch.method.MethodOptions;
import dev.lethe.torch.method.UnlearningMethod;
import dev.lethe.torch.method.UnlearningMethods;
import dev.lethe.torch.task.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code lethe methods}: every unlearning method with its guarantee, the tasks it supports and its options. */
@Command(name = "methods", footer = {"%nExamples:", "  lethe methods", "  lethe methods --json"}, mixinStandardHelpOptions = true,
        description = "List the unlearning methods: id, guarantee, the tasks each supports, and every option with its default and meaning.")
public final class MethodsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> all = new ArrayList<>();
            for (UnlearningMethod<?> m : UnlearningMethods.all()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("id", m.name());
                d.put("guarantee", m.guarantee().name().toLowerCase(Locale.ROOT));
                d.put("summary", m.summary());
                d.put("tasks", m.tasks().stream().map(Task::name).toList());
                d.put("importedModules", m.whyNotOnOpaqueModules().map(why -> "no: " + why).orElse("yes"));
                d.put("options", MethodOptions.describe(m));
                all.add(d);
            }
            Output.json(out, all);
            return ExitCodes.OK;
        }
        for (UnlearningMethod<?> m : UnlearningMethods.all()) {
            out.printf(Locale.ROOT, "%-16s %-11s %s%n", m.name(), m.guarantee().name().toLowerCase(Locale.ROOT), m.summary());
            out.printf(Locale.ROOT, "    tasks: %s%n", String.join(", ", m.tasks().stream().map(Task::name).toList()));
            m.whyNotOnOpaqueModules().ifPresent(why -> out.printf(Locale.ROOT, "    not for a TorchScript model without features/classify methods (opaque to Lethe): %s%n", why));
            for (MethodOptions.Info o : MethodOptions.describe(m)) {
                out.printf(Locale.ROOT, "    --opt %s=%s  (%s) %s%n", o.key(), o.defaultValue(), o.type(), o.description());
            }
        }
        out.println("Use: lethe unlearn --store DIR --method ID (--record ID... | --subject ID... | --label C) [--opt KEY=VALUE ...]");
        out.flush();
        return ExitCodes.OK;
    }
}
