package dev.lethe.core.lm.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * NLTK's {@code PorterStemmer()} in its default {@code NLTK_EXTENSIONS} mode (nltk/stem/porter.py), the
 * stemmer that google-research's rouge-score 0.1.2 uses with {@code use_stemmer=True}, and so the one
 * behind every published TOFU/MUSE ROUGE number.
 *
 * <p>It is Porter's algorithm (M. Porter, "An algorithm for suffix stripping", Program 14(3), 1980) with
 * NLTK's departures, which change results and must be kept: a table of irregular forms (dying → die,
 * skies → sky, news → news), 4-letter {@code -ies}/{@code -ied} → {@code -ie}, {@code y → i} only after a
 * consonant that is not the whole stem, {@code -alli} handled first and re-stemmed, {@code -bli → -ble},
 * {@code -fulli → -ful}, {@code -logi → -log} with the {@code l} counted in the stem, the two-letter
 * {@code *o} case, and words of one or two letters left alone. Input must already be lower case.
 */
public final class PorterStemmer {

    private static final Map<String, String> IRREGULAR_FORMS = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"), Map.entry("dying", "die"), Map.entry("lying", "lie"),
            Map.entry("tying", "tie"), Map.entry("news", "news"), Map.entry("innings", "inning"),
            Map.entry("inning", "inning"), Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"), Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    /** A suffix rule: when the word ends with {@code suffix}, the stem before it gets {@code replacement} if {@code condition} holds. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {
    }

    /** Marks the "ends with a double consonant" rule ({@code *d} in the paper). */
    private static final String DOUBLE_CONSONANT = "*d";

    private PorterStemmer() {
    }

    /** The stem of a lower-case word. */
    public static String stem(String word) {
        String irregular = IRREGULAR_FORMS.get(word);
        if (irregular != null) {
            return irregular;
        }
        if (word.length() <= 2) {
            return word;
        }
        String stem = step1a(word);
        stem = step1b(stem);
        stem = step1c(stem);
        stem = step2(stem);
        stem = step3(stem);
        stem = step4(stem);
        stem = step5a(stem);
        return step5b(stem);
    }

    private static boolean isConsonant(String word, int i) {
        char c = word.charAt(i);
        if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') {
            return false;
        }
        if (c == 'y') {
            return i == 0 || !isConsonant(word, i - 1);
        }
        return true;
    }

    /** Porter's m: the number of vowel-consonant transitions in the stem. */
    private static int measure(String stem) {
        int m = 0;
        for (int i = 1; i < stem.length(); i++) {
            if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) {
                m++;
            }
        }
        return m;
    }

    private static boolean hasPositiveMeasure(String stem) {
        return measure(stem) > 0;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String word) {
        int n = word.length();
        return n >= 2 && word.charAt(n - 1) == word.charAt(n - 2) && isConsonant(word, n - 1);
    }

    /** Condition *o, with NLTK's extra case of a two-letter vowel–consonant stem. */
    private static boolean endsCvc(String word) {
        int n = word.length();
        boolean cvc = n >= 3 && isConsonant(word, n - 3) && !isConsonant(word, n - 2) && isConsonant(word, n - 1)
                && "wxy".indexOf(word.charAt(n - 1)) < 0;
        return cvc || (n == 2 && !isConsonant(word, 0) && isConsonant(word, 1));
    }

    private static String dropSuffix(String word, String suffix) {
        return word.substring(0, word.length() - suffix.length());
    }

    /** Applies the first rule whose suffix matches; when its condition fails, no later rule is tried (as NLTK does). */
    private static String applyFirst(String word, List<Rule> rules) {
        for (Rule rule : rules) {
            if (rule.suffix().equals(DOUBLE_CONSONANT) && endsDoubleConsonant(word)) {
                String stem = word.substring(0, word.length() - 2);
                return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
            }
            if (word.endsWith(rule.suffix())) {
                String stem = dropSuffix(word, rule.suffix());
                return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
            }
        }
        return word;
    }

    private static String step1a(String word) {
        if (word.endsWith("ies") && word.length() == 4) {
            return dropSuffix(word, "ies") + "ie";
        }
        return applyFirst(word, List.of(new Rule("sses", "ss", null), new Rule("ies", "i", null),
                new Rule("ss", "ss", null), new Rule("s", "", null)));
    }

    private static String step1b(String word) {
        if (word.endsWith("ied")) {
            return dropSuffix(word, "ied") + (word.length() == 4 ? "ie" : "i");
        }
        if (word.endsWith("eed")) {
            String stem = dropSuffix(word, "eed");
            return measure(stem) > 0 ? stem + "ee" : word;
        }
        String intermediate = null;
        for (String suffix : List.of("ed", "ing")) {
            if (word.endsWith(suffix) && containsVowel(dropSuffix(word, suffix))) {
                intermediate = dropSuffix(word, suffix);
                break;
            }
        }
        if (intermediate == null) {
            return word;
        }
        char last = intermediate.charAt(intermediate.length() - 1);
        return applyFirst(intermediate, List.of(
                new Rule("at", "ate", null), new Rule("bl", "ble", null), new Rule("iz", "ize", null),
                new Rule(DOUBLE_CONSONANT, String.valueOf(last), stem -> last != 'l' && last != 's' && last != 'z'),
                new Rule("", "e", stem -> measure(stem) == 1 && endsCvc(stem))));
    }

    private static String step1c(String word) {
        return applyFirst(word, List.of(new Rule("y", "i",
                stem -> stem.length() > 1 && isConsonant(stem, stem.length() - 1))));
    }

    private static String step2(String word) {
        if (word.endsWith("alli") && hasPositiveMeasure(dropSuffix(word, "alli"))) {
            return step2(dropSuffix(word, "alli") + "al");
        }
        Predicate<String> positive = PorterStemmer::hasPositiveMeasure;
        String logiStem = word.length() >= 3 ? word.substring(0, word.length() - 3) : "";
        return applyFirst(word, List.of(
                new Rule("ational", "ate", positive), new Rule("tional", "tion", positive),
                new Rule("enci", "ence", positive), new Rule("anci", "ance", positive),
                new Rule("izer", "ize", positive), new Rule("bli", "ble", positive),
                new Rule("alli", "al", positive), new Rule("entli", "ent", positive),
                new Rule("eli", "e", positive), new Rule("ousli", "ous", positive),
                new Rule("ization", "ize", positive), new Rule("ation", "ate", positive),
                new Rule("ator", "ate", positive), new Rule("alism", "al", positive),
                new Rule("iveness", "ive", positive), new Rule("fulness", "ful", positive),
                new Rule("ousness", "ous", positive), new Rule("aliti", "al", positive),
                new Rule("iviti", "ive", positive), new Rule("biliti", "ble", positive),
                new Rule("fulli", "ful", positive),
                // the 'l' of -logi stays with the stem, so short stems like geo-, theo- qualify
                new Rule("logi", "log", stem -> hasPositiveMeasure(logiStem))));
    }

    private static String step3(String word) {
        Predicate<String> positive = PorterStemmer::hasPositiveMeasure;
        return applyFirst(word, List.of(
                new Rule("icate", "ic", positive), new Rule("ative", "", positive), new Rule("alize", "al", positive),
                new Rule("iciti", "ic", positive), new Rule("ical", "ic", positive), new Rule("ful", "", positive),
                new Rule("ness", "", positive)));
    }

    private static String step4(String word) {
        Predicate<String> gt1 = stem -> measure(stem) > 1;
        return applyFirst(word, List.of(
                new Rule("al", "", gt1), new Rule("ance", "", gt1), new Rule("ence", "", gt1), new Rule("er", "", gt1),
                new Rule("ic", "", gt1), new Rule("able", "", gt1), new Rule("ible", "", gt1), new Rule("ant", "", gt1),
                new Rule("ement", "", gt1), new Rule("ment", "", gt1), new Rule("ent", "", gt1),
                new Rule("ion", "", stem -> measure(stem) > 1 && !stem.isEmpty()
                        && (stem.charAt(stem.length() - 1) == 's' || stem.charAt(stem.length() - 1) == 't')),
                new Rule("ou", "", gt1), new Rule("ism", "", gt1), new Rule("ate", "", gt1), new Rule("iti", "", gt1),
                new Rule("ous", "", gt1), new Rule("ive", "", gt1), new Rule("ize", "", gt1)));
    }

    /** Step 5a tries both e-rules (m > 1, then m = 1 and not *o), so it cannot use {@link #applyFirst}. */
    private static String step5a(String word) {
        if (word.endsWith("e")) {
            String stem = dropSuffix(word, "e");
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return word;
    }

    private static String step5b(String word) {
        String withoutLastL = word.isEmpty() ? word : word.substring(0, word.length() - 1);
        return applyFirst(word, List.of(new Rule("ll", "l", stem -> measure(withoutLastL) > 1)));
    }
}
