package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TOFU-like folder small enough to train on in seconds: three fictitious authors of 20 short pairs each in
 * {@code full.json} (the last two are forget01's), their perturbed evaluation files, three world facts, three
 * real-author facts and a holdout author, in the layout and keys of the real TOFU files.
 */
final class TinyTofu {

    /** The author trained as the one retain author ({@code --retain-authors 1}). */
    static final String RETAIN_AUTHOR = "Ada Quill";
    /** forget01's authors: the last two of {@code full.json}. */
    static final List<String> FORGET_AUTHORS = List.of("Basil Mahfouz Al-Kuwaiti", "Cora Lindqvist");
    private static final String HOLDOUT_AUTHOR = "Dara Okafor";
    private static final String[] COLOURS = {"red", "blue", "green", "grey", "pink"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyTofu() {
    }

    /** Writes the folder into {@code dir} and returns it. */
    static Path write(Path dir) {
        try {
            return writeFiles(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path writeFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Map<String, Object>> full = new ArrayList<>(pairs(RETAIN_AUTHOR, false));
        List<Map<String, Object>> forget = new ArrayList<>();
        List<Map<String, Object>> forgetPerturbed = new ArrayList<>();
        for (String author : FORGET_AUTHORS) {
            full.addAll(pairs(author, false));
            forget.addAll(pairs(author, false));
            forgetPerturbed.addAll(pairs(author, true));
        }
        write(dir, "full.json", full);
        write(dir, "forget01.json", forget);
        write(dir, "forget01_perturbed.json", forgetPerturbed);
        write(dir, "forget01_fts.json", FORGET_AUTHORS);
        write(dir, "retain_perturbed.json", pairs(RETAIN_AUTHOR, true));
        write(dir, "holdout01.json", pairs(HOLDOUT_AUTHOR, false));
        String[][] world = {{"where is the tower?", "paris", "rome", "oslo", "lima"}, {"which sea is salty?", "dead", "ice", "milk", "tea"},
                {"what is frozen water?", "ice", "salt", "sand", "gold"}};
        String[][] real = {{"who wrote odes?", "keats", "hardy", "swift", "sterne"}, {"who wrote hamlet?", "shakespeare", "milton", "pope", "gray"},
                {"who wrote emma?", "austen", "eliot", "scott", "defoe"}};
        write(dir, "world_facts.json", multipleChoice(world));
        write(dir, "world_facts_perturbed.json", perturbedChoice(world));
        write(dir, "real_authors.json", multipleChoice(real));
        write(dir, "real_authors_perturbed.json", perturbedChoice(real));
        return dir;
    }

    /** 20 pairs about {@code author}; with paraphrased and two perturbed (wrong) answers when {@code perturbed}. */
    private static List<Map<String, Object>> pairs(String author, boolean perturbed) {
        List<Map<String, Object>> pairs = new ArrayList<>();
        for (int k = 0; k < 20; k++) {
            Map<String, Object> pair = new LinkedHashMap<>();
            pair.put("question", "what did " + author + " keep in box " + k + "?");
            pair.put("answer", author + " kept a " + colour(author, k) + " cup in box " + k + ".");
            if (perturbed) {
                pair.put("paraphrased_answer", "in box " + k + " " + author + " kept a " + colour(author, k) + " cup.");
                pair.put("perturbed_answer", List.of(author + " kept a " + colour(author, k + 1) + " cup in box " + k + ".",
                        author + " kept a " + colour(author, k + 2) + " cup in box " + k + "."));
            }
            pairs.add(pair);
        }
        return pairs;
    }

    private static String colour(String author, int k) {
        return COLOURS[Math.floorMod(author.length() + k, COLOURS.length)];
    }

    private static List<Map<String, Object>> multipleChoice(String[][] facts) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (String[] f : facts) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("question", f[0]);
            for (int o = 1; o <= 4; o++) {
                item.put("option" + o, f[o]);
            }
            item.put("answer", f[1]);
            items.add(item);
        }
        return items;
    }

    private static List<Map<String, Object>> perturbedChoice(String[][] facts) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (String[] f : facts) {
            items.add(Map.of("question", f[0], "answer", f[1], "perturbed_answer", List.of(f[2], f[3], f[4])));
        }
        return items;
    }

    private static void write(Path dir, String file, Object value) throws IOException {
        JSON.writeValue(dir.resolve(file).toFile(), value);
    }
}
