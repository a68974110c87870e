package dev.lethe.torch.method;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.seed.Seeds;
import dev.lethe.core.text.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A forget set with every subject's name replaced by a made-up one of the same shape: {@code whp}'s "anchored terms"
 * and their generic translations ({@link Whp}). Each word of a record's subject ("Basil", "Mahfouz", "Al-Kuwaiti") is
 * replaced wherever it stands as a word in the record's text, in the question and in the answer, by a pseudo-word drawn
 * from a seed: each ASCII letter by a letter of the same case and kind (vowel or consonant), so the name stays
 * pronounceable and keeps its length; every other character stays. With a byte-level tokenizer the swapped record has
 * exactly the original's tokens but at the name's positions, so the two line up position for position, which the
 * distillation target needs. Every record of a subject gets the same pseudo-name within one draw.
 */
final class PseudoNames {

    private static final String VOWELS = "aeiou";
    private static final String CONSONANTS = "bcdfghjklmnprstvwz";

    private PseudoNames() {
    }

    /**
     * {@code forget} with each subject's name replaced by its pseudo-name of draw {@code draw} (a pure function of
     * {@code seed}, the draw and the subject): same ids, subjects, lengths and loss mask.
     *
     * @throws IllegalArgumentException when the records have no subjects, when a subject's name occurs in none of its
     *                                  records, or when the tokenizer does not encode the swapped text in as many tokens
     */
    static RecordSet swapped(RecordSet forget, Tokenizer tokenizer, long seed, int draw) {
        if (!(forget.content() instanceof TokenSequences tokens)) {
            throw new IllegalArgumentException(forget.name() + " holds " + forget.content().describe()
                    + ": name swapping needs text records (token sequences)");
        }
        if (!forget.hasSubjects()) {
            throw new IllegalArgumentException(forget.name() + " has no subjects: name swapping needs each forget record's"
                    + " subject to be the name of the person or thing it is about (TOFU records carry their author)");
        }
        Map<String, Map<String, String>> pseudo = new HashMap<>();
        Map<String, Integer> mentions = new LinkedHashMap<>();
        List<int[]> sequences = new ArrayList<>(forget.size());
        for (int i = 0; i < forget.size(); i++) {
            String subject = forget.subject(i);
            int[] original = tokens.tokens(i);
            String text = tokenizer.decode(original);
            if (!Arrays.equals(tokenizer.encode(text), original)) {
                throw new IllegalArgumentException(forget.name() + ": record '" + forget.id(i) + "' does not decode and encode"
                        + " back to its tokens with tokenizer '" + tokenizer.name() + "'; name the tokenizer the records were made with");
            }
            Map<String, String> words = pseudo.computeIfAbsent(subject, s -> pseudoWords(s, seed, draw));
            String swapped = replaceWords(text, words);
            mentions.merge(subject, swapped.equals(text) ? 0 : 1, Integer::sum);
            int[] encoded = tokenizer.encode(swapped);
            if (encoded.length != original.length) {
                throw new IllegalArgumentException("tokenizer '" + tokenizer.name() + "' encodes record '" + forget.id(i)
                        + "' with its name swapped in " + encoded.length + " tokens, not " + original.length
                        + ": whp needs the swapped text to line up token by token (a byte-level tokenizer does)");
            }
            sequences.add(encoded);
        }
        mentions.forEach((subject, count) -> {
            if (count == 0) {
                throw new IllegalArgumentException("the name '" + subject + "' occurs in none of its forget records: whp swaps"
                        + " the subject's name in the text, so each subject must be the name the records use");
            }
        });
        String[] ids = forget.ids().toArray(String[]::new);
        String[] subjects = new String[forget.size()];
        Arrays.setAll(subjects, forget::subject);
        return new RecordSet(forget.name() + "/pseudo-names-" + draw, ids, subjects,
                TokenSequences.of(sequences, tokens.vocabularySize()), forget.targets());
    }

    /** Each word of {@code name} with at least two letters, mapped to its pseudo-word for {@code draw}. */
    static Map<String, String> pseudoWords(String name, long seed, int draw) {
        Map<String, String> words = new LinkedHashMap<>();
        for (String word : name.trim().split("\\s+")) {
            if (word.codePoints().filter(Character::isLetter).count() >= 2 && !words.containsKey(word)) {
                SplittableRandom random = new SplittableRandom(Seeds.derive(seed, "pseudo-name/" + name + "/" + word, draw));
                String made;
                do {
                    made = pseudoWord(word, random);
                } while (made.equals(word));
                words.put(word, made);
            }
        }
        return words;
    }

    /** {@code word} with each ASCII letter replaced by a random letter of the same case and kind. */
    private static String pseudoWord(String word, SplittableRandom random) {
        StringBuilder out = new StringBuilder(word.length());
        for (char c : word.toCharArray()) {
            char lower = Character.toLowerCase(c);
            if (c >= 128 || !Character.isLetter(c)) {
                out.append(c);
                continue;
            }
            String pool = VOWELS.indexOf(lower) >= 0 ? VOWELS : CONSONANTS;
            char drawn = pool.charAt(random.nextInt(pool.length()));
            out.append(Character.isUpperCase(c) ? Character.toUpperCase(drawn) : drawn);
        }
        return out.toString();
    }

    /** {@code text} with every whole-word occurrence of each key replaced by its value, longer keys first. */
    private static String replaceWords(String text, Map<String, String> words) {
        String out = text;
        List<String> keys = new ArrayList<>(words.keySet());
        keys.sort(Comparator.comparingInt(String::length).reversed());
        for (String key : keys) {
            Matcher m = Pattern.compile("(?<!\\p{L})" + Pattern.quote(key) + "(?!\\p{L})").matcher(out);
            out = m.replaceAll(Matcher.quoteReplacement(words.get(key)));
        }
        return out;
    }
}
