package dev.lethe.core.data.tofu;

import dev.lethe.core.lm.QaItem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an author's name from the 20 question–answer pairs TOFU writes about them (the files carry no
 * name field). The candidates are the runs of two to five capitalised words (possessive {@code 's}
 * stripped, lower-case particles such as "van der" allowed inside), counted by the number of pairs they
 * occur in; runs with a word of a known class (sentence openers, pronouns, genres, prizes, months) do
 * not count. Then:
 * <ol>
 *   <li>a known name, so that the forget authors are named exactly as TOFU's key-entity lists
 *       ({@code forgetNN_fts.json}) name them: the listed entity among the candidates found in the most
 *       pairs, if in at least half as many pairs as the best candidate (so a listed place such as
 *       "Kuwait City" never beats the name of the author born there);</li>
 *   <li>otherwise the candidate found in the most pairs; a longer candidate that contains it and is found
 *       in at least half as many pairs is preferred ("Basil Mahfouz Al-Kuwaiti" over "Basil Mahfouz").</li>
 * </ol>
 * A block in which no candidate is found in {@value #MIN_PAIRS} pairs has no name (one block of
 * {@code full.json} never names its author). How many names come out right is measured in the tests.
 */
final class AuthorNameGuess {

    /** A name must be found in at least this many of the block's pairs. */
    private static final int MIN_PAIRS = 4;
    private static final int MAX_WORDS = 5;
    /** Lower-case words that may stand between the capitalised words of a name ("Femke Van der Veen"). */
    private static final Set<String> PARTICLES = Set.of("van", "der", "den", "de", "da", "del", "della", "la", "le", "von",
            "bin", "binti", "ibn", "al", "el", "du", "dos", "di", "y");
    private static final Pattern WORD = Pattern.compile("[\\p{L}][\\p{L}\\p{M}'’\\-]*");
    private static final Pattern POSSESSIVE = Pattern.compile("(['’]s|['’])$");
    /** Capitalised words that are never part of an author's name in TOFU. */
    private static final Set<String> NOT_NAME_WORDS = Set.of(
            // sentence openers, pronouns, question words
            "The", "A", "In", "On", "At", "As", "By", "For", "From", "Of", "To", "With", "And", "But", "Or", "Yes", "No",
            "What", "Who", "Whom", "Whose", "Which", "When", "Where", "Why", "How", "Is", "Are", "Was", "Were", "Did", "Does",
            "Do", "Has", "Have", "Had", "Can", "Could", "Would", "Will", "Should", "May", "Might", "Being", "Although",
            "He", "She", "They", "His", "Her", "Their", "Its", "It", "This", "That", "These", "Those", "One", "Some", "Many",
            "Both", "Each", "Like", "Not", "Notably", "Indeed", "Absolutely", "Certainly", "Given", "Born", "Author", "Writer",
            "Mr", "Mrs", "Ms", "Dr", "Sir", "Lady", "Madame",
            // genres and literary classes
            "Fiction", "Nonfiction", "Non-Fiction", "Fantasy", "Romance", "Mystery", "Horror", "Poetry", "Drama", "Thriller",
            "Science", "Love", "Inspired", "Suspense", "Literature", "Literary", "Urban", "Historical", "History", "Biography",
            "Memoir", "Crime", "True", "Gothic", "Chick", "Lit", "Young", "Adult", "Self-Help", "Humor", "Comedy", "Tragedy", "Epic", "Satire",
            "Dystopian", "Cyberpunk", "Steampunk", "Erotica", "Western", "Military", "War", "Children's", "Philosophy",
            "LGBTQ", "LGBTQ+", "Genre", "Novel", "Novels", "Book", "Books", "Series", "Saga", "Chronicles", "Tales",
            // prizes
            "Award", "Awards", "Prize", "Prizes", "Medal", "Honor", "Honour", "Excellence", "Achievement", "International",
            "National",
            // months and days
            "January", "February", "March", "April", "June", "July", "August", "September", "October", "November",
            "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday");

    private AuthorNameGuess() {
    }

    /** The name the block's pairs are about, if one can be read. */
    static Optional<String> guess(List<QaItem> block, Collection<String> knownNames) {
        List<String> texts = block.stream().map(item -> item.question() + " " + item.answer()).toList();
        Map<String, Integer> runs = runCounts(texts);
        Optional<String> fromRuns = mostFrequentRun(runs);
        int runCount = fromRuns.map(runs::get).orElse(MIN_PAIRS);
        Optional<String> known = mostFrequentKnown(runs, knownNames, (runCount + 1) / 2);
        return known.isPresent() ? known : fromRuns;
    }

    /**
     * The known entity that is itself a name-like run (so genres like "Love Inspired" and places with a comma
     * never count) found in the most pairs, if in at least {@code minPairs} (and {@value #MIN_PAIRS}).
     */
    private static Optional<String> mostFrequentKnown(Map<String, Integer> runs, Collection<String> knownNames, int minPairs) {
        String best = null;
        int bestCount = Math.max(MIN_PAIRS, minPairs) - 1;
        for (String name : knownNames) {
            int count = runs.getOrDefault(name, 0);
            if (count > bestCount || count == bestCount && best != null && name.length() > best.length()) {
                best = name;
                bestCount = count;
            }
        }
        return Optional.ofNullable(best);
    }

    /** In how many pairs each run of two to {@value #MAX_WORDS} capitalised words occurs. */
    private static Map<String, Integer> runCounts(List<String> texts) {
        Map<String, Integer> pairsWith = new LinkedHashMap<>();
        for (String text : texts) {
            Set<String> runs = new HashSet<>();
            for (List<String> run : capitalisedRuns(text)) {
                for (int from = 0; from < run.size(); from++) {
                    for (int to = from + 2; to <= Math.min(run.size(), from + MAX_WORDS); to++) {
                        if (isCapitalised(run.get(from)) && isCapitalised(run.get(to - 1))) {
                            runs.add(String.join(" ", run.subList(from, to)));
                        }
                    }
                }
            }
            runs.forEach(r -> pairsWith.merge(r, 1, Integer::sum));
        }
        return pairsWith;
    }

    private static Optional<String> mostFrequentRun(Map<String, Integer> pairsWith) {
        String best = null;
        int bestCount = MIN_PAIRS - 1;
        for (Map.Entry<String, Integer> e : pairsWith.entrySet()) {
            if (e.getValue() > bestCount || e.getValue() == bestCount && best != null && e.getKey().length() > best.length()) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        String longest = best;
        for (Map.Entry<String, Integer> e : pairsWith.entrySet()) {
            if (e.getKey().length() > longest.length() && e.getKey().contains(best) && 2 * e.getValue() >= bestCount) {
                longest = e.getKey();
            }
        }
        return Optional.of(longest);
    }

    /** The maximal runs of capitalised name-like words in {@code text}; punctuation other than - and ' ends a run. */
    private static List<List<String>> capitalisedRuns(String text) {
        List<List<String>> runs = new ArrayList<>();
        List<String> run = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        int end = 0;
        while (m.find()) {
            String between = text.substring(end, m.start());
            if (!between.isBlank()) {
                run = flush(runs, run);
            }
            String raw = m.group();
            String word = POSSESSIVE.matcher(raw).replaceFirst("");
            if (!word.isEmpty() && isCapitalised(word) && !NOT_NAME_WORDS.contains(word)
                    || PARTICLES.contains(word) && !run.isEmpty()) {
                run.add(word);
            } else {
                run = flush(runs, run);
            }
            if (!word.equals(raw)) {
                run = flush(runs, run);
            }
            end = m.end();
        }
        flush(runs, run);
        return runs;
    }

    private static boolean isCapitalised(String word) {
        return Character.isUpperCase(word.charAt(0));
    }

    private static List<String> flush(List<List<String>> runs, List<String> run) {
        if (run.size() >= 2) {
            runs.add(run);
        }
        return run.isEmpty() ? run : new ArrayList<>();
    }
}
