package dev.lethe.core.ledger;

import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link LedgerDurabilityTest}: accepts one request on the ledger file named by
 * {@code args[0]}, prints its id as soon as {@code accept} returns, then waits to be killed.
 */
public final class LedgerChild {

    private LedgerChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Ledger ledger = Ledger.open(Path.of(args[0]));
        ForgetRequest request = ledger.accept(
                new RequestSpec(ForgetKind.SUBJECTS, List.of("subject-crash-1", "subject-crash-2"), "crash test", null),
                "child");
        System.out.println(request.id());
        System.out.flush();
        Thread.sleep(60_000);
    }
}
