package dev.lethe.cli;

import dev.lethe.core.audit.AuditCheck;
import dev.lethe.core.audit.AuditReport;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lethe audit}: proves from the files that forgotten data is gone; exit 3 on any failure. */
@Command(name = "audit", footer = {"%nExample:", "  lethe audit --store sisa-store"}, mixinStandardHelpOptions = true,
        description = "Verify a store: ledger hash chain, manifest vs files, no checkpoint or data row covering a forgotten record.")
public final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store to audit.")
    Path store;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AuditReport report = StoreAudit.run(Store.open(store));
        if (json) {
            java.util.Map<String, Object> doc = new java.util.LinkedHashMap<>();
            doc.put("store", report.store());
            doc.put("passed", report.passed());
            doc.put("checks", report.checks());
            Output.json(out, doc);
        } else {
            for (AuditCheck c : report.checks()) {
                out.printf("  [%s] %s: %s%n", c.passed() ? "ok" : "FAIL", c.name(), c.detail());
            }
            out.println(report.passed() ? "  audit passed" : "  audit FAILED");
            out.flush();
        }
        return report.passed() ? ExitCodes.OK : ExitCodes.VERIFICATION_FAILED;
    }
}
