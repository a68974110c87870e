package dev.lethe.torch.scenario;

import dev.lethe.core.data.PseudoSubjects;
import dev.lethe.core.data.RecordSet;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code subjects}: forget every record of whole persons — what an erasure request under GDPR art. 17
 * asks for. Data sets without person ids get {@code pseudoSubjects} deterministic pseudo-persons
 * ({@link PseudoSubjects}); a set with its own subject column keeps it. Subject {@code s} is forgotten
 * when {@code u(seed, "forget-subjects", s) < fraction}; when no subject falls below, the one with the
 * smallest draw is taken, so the forget set is never empty.
 *
 * @param fraction share of subjects to forget, in (0, 1]
 * @param pseudoSubjects pseudo-persons to assign when the data has none, at least 2
 */
public record SubjectScenario(double fraction, int pseudoSubjects) implements Scenario {

    public static final String NAME = "subjects";

    public SubjectScenario {
        HashDraw.share("--forget-fraction", fraction);
        if (pseudoSubjects < 2) {
            throw new IllegalArgumentException("--subjects must be at least 2 for the subjects scenario, got " + pseudoSubjects);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("forgetFraction", fraction, "pseudoSubjects", pseudoSubjects);
    }

    @Override
    public ScenarioData build(RecordSet train, RecordSet test, long seed) {
        RecordSet people = train.hasSubjects() ? train : PseudoSubjects.assign(train, pseudoSubjects, seed);
        Set<String> subjects = new TreeSet<>();
        for (int i = 0; i < people.size(); i++) {
            if (people.subject(i) != null) {
                subjects.add(people.subject(i));
            }
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String s : subjects) {
            if (HashDraw.of(seed, "forget-subjects", s) < fraction) {
                chosen.add(s);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(subjects.stream().min(Comparator.comparingDouble(s -> HashDraw.of(seed, "forget-subjects", s))).orElseThrow(
                    () -> new IllegalArgumentException(train.name() + " has no subjects to forget")));
        }
        RecordSet forget = people.filter("forget", i -> chosen.contains(people.subject(i)));
        return ScenarioData.oneShot(NAME, people, forget, test, null,
                Map.of("forgetSubjects", chosen.size(), "subjects", subjects.size(), "forgetRecords", forget.size()));
    }
}
