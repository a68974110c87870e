package dev.lethe.torch.scenario;

import dev.lethe.core.data.RecordSet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@link Scenario} produced for one seed: the set the original model trains on, the records to
 * forget (as one request, or as several requests in order), what remains, the held-out test set and,
 * for a backdoor, the triggered test set the attack success rate is measured on.
 *
 * <p>Invariants, checked on construction: every forget record is a training record, the requests are
 * disjoint and together are the forget set, and {@code retain = train − forget} (by record id, in
 * training order).
 *
 * @param scenario the scenario's name
 * @param train the original training set (for a backdoor: with the poisoned records)
 * @param forget every record to forget, the union of {@code requests}
 * @param retain {@code train − forget}
 * @param test held-out records (clean)
 * @param attackTest triggered test records whose true class is not the target (backdoor only), else {@code null}
 * @param requests the forget set in the order the requests arrive: one entry for a one-shot scenario
 * @param facts what the scenario decided, for reports (counts, the target class, the trigger)
 */
public record ScenarioData(String scenario, RecordSet train, RecordSet forget, RecordSet retain, RecordSet test,
                           RecordSet attackTest, List<RecordSet> requests, Map<String, Object> facts) {

    public ScenarioData {
        requests = List.copyOf(requests);
        facts = Map.copyOf(facts);
        if (forget.size() == 0) {
            throw new IllegalArgumentException("scenario " + scenario + " selected no record to forget; choose a larger share or another seed");
        }
        Set<String> trainIds = new HashSet<>(train.ids());
        Set<String> forgetIds = new HashSet<>(forget.ids());
        if (!trainIds.containsAll(forgetIds)) {
            throw new IllegalArgumentException("scenario " + scenario + ": the forget set holds records that are not training records");
        }
        int inRequests = requests.stream().mapToInt(RecordSet::size).sum();
        Set<String> requested = new HashSet<>();
        requests.forEach(r -> requested.addAll(r.ids()));
        if (inRequests != forget.size() || !requested.equals(forgetIds)) {
            throw new IllegalArgumentException("scenario " + scenario + ": the requests must split the forget set into disjoint parts");
        }
        if (retain.size() + forget.size() != train.size() || retain.ids().stream().anyMatch(forgetIds::contains)) {
            throw new IllegalArgumentException("scenario " + scenario + ": the retain set must be the training set without the forget set");
        }
    }

    /** A one-shot scenario's data: one request holding the whole forget set; retain = train − forget. */
    public static ScenarioData oneShot(String scenario, RecordSet train, RecordSet forget, RecordSet test, RecordSet attackTest,
                                       Map<String, Object> facts) {
        return new ScenarioData(scenario, train, forget, without(train, "retain", forget), test, attackTest, List.of(forget), facts);
    }

    /** How many requests arrive (1 for a one-shot scenario). */
    public int steps() {
        return requests.size();
    }

    /** The records forgotten after request {@code step} (0-based), i.e. the union of requests 0..step. */
    public RecordSet forgottenAfter(int step) {
        return RecordSet.concat("forget-" + (step + 1), new ArrayList<>(requests.subList(0, step + 1)));
    }

    /** The training records that remain after request {@code step}: {@code train − forgottenAfter(step)}. */
    public RecordSet retainedAfter(int step) {
        return without(train, "retain-" + (step + 1), forgottenAfter(step));
    }

    /** {@code from} without the records (by id) of {@code removed}, in {@code from}'s order. */
    static RecordSet without(RecordSet from, String name, RecordSet removed) {
        Set<String> gone = new HashSet<>(removed.ids());
        return from.filter(name, i -> !gone.contains(from.id(i)));
    }
}
