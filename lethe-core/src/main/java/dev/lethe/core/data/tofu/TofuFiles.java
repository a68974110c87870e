package dev.lethe.core.data.tofu;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.lm.QaItem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the files of the TOFU benchmark (Maini et al., "TOFU: A Task of Fictitious Unlearning for LLMs",
 * 2024; the copy in {@code ../shared/datasets/tofu}) into {@link QaItem}s, whatever the file's kind:
 * <ul>
 *   <li>question–answer ({@code full}, {@code retainNN}, {@code holdoutNN}): keys {@code question}, {@code answer};</li>
 *   <li>prompt–response ({@code forgetNN}): keys {@code prompt}, {@code response};</li>
 *   <li>perturbed ({@code *_perturbed}): adds {@code paraphrased_answer}, {@code paraphrased_question} and
 *       {@code perturbed_answer} (a list of wrong answers, or one string);</li>
 *   <li>multiple choice ({@code real_authors}, {@code world_facts}): {@code option1..4} and the right option's
 *       text as {@code answer}; the other options become the perturbed answers.</li>
 * </ul>
 * Some files ({@code full}, {@code retainNN}) hold several JSON arrays one after another; every root
 * value is read until the end of the file. A file that is not such JSON fails with a
 * {@link DataFormatException} naming the file, the line and column, and what is wrong.
 *
 * <p>{@link #read} also fills each item's subject: the author's name for author files (see
 * {@link TofuAuthors}), {@value #WORLD_FACTS} and {@value #REAL_AUTHORS} for the two utility sets
 * (one subject each: they are general knowledge the model must keep, never a person one forgets).
 */
public final class TofuFiles {

    /** The subject of every world-facts item. */
    public static final String WORLD_FACTS = "world-facts";
    /** The subject of every real-authors item. */
    public static final String REAL_AUTHORS = "real-authors";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OPTIONS = 4;

    private TofuFiles() {
    }

    /**
     * The items of {@code file} with their subjects: author names where the file is about TOFU's
     * fictitious authors and its folder holds {@code full.json} (or, failing that, the file is made of
     * whole 20-pair author blocks), {@value #WORLD_FACTS} / {@value #REAL_AUTHORS} for those sets.
     */
    public static List<QaItem> read(Path file) throws IOException {
        return read(file, null);
    }

    /** {@link #read(Path)} with the authors of {@code full.json} already read ({@code null}: read them when needed). */
    static List<QaItem> read(Path file, TofuAuthors fullAuthors) throws IOException {
        List<QaItem> items = parse(file);
        String fileName = file.getFileName().toString();
        if (fileName.startsWith("world_facts")) {
            return withSubject(items, WORLD_FACTS);
        }
        if (fileName.startsWith("real_authors")) {
            return withSubject(items, REAL_AUTHORS);
        }
        Path folder = file.toAbsolutePath().getParent();
        boolean holdout = fileName.startsWith("holdout");
        if (!holdout && (fullAuthors != null || Files.isRegularFile(folder.resolve(TofuAuthors.FULL_FILE)))) {
            TofuAuthors authors = fullAuthors != null ? fullAuthors : TofuAuthors.ofFolder(folder);
            List<QaItem> named = authors.nameByFullIndex(items);
            if (named != null) {
                return named;
            }
        }
        if (!items.isEmpty() && items.size() % TofuAuthors.PAIRS_PER_AUTHOR == 0) {
            return TofuAuthors.ofBlocks(items, TofuAuthors.knownNames(folder), holdout ? "holdout-author" : "author").name(items);
        }
        return items;
    }

    /** The items of {@code file} as they are written, without subjects. */
    public static List<QaItem> parse(Path file) throws IOException {
        List<QaItem> items = new ArrayList<>();
        forEachElement(file, (node, where) -> items.add(item(file, node, items.size(), where)));
        return List.copyOf(items);
    }

    /** A file that is a JSON list of strings (the key-entity lists {@code forgetNN_fts.json}). */
    public static List<String> readStrings(Path file) throws IOException {
        List<String> strings = new ArrayList<>();
        forEachElement(file, (node, where) -> {
            if (!node.isTextual()) {
                throw new DataFormatException(file, where, "expected a string, found " + node.getNodeType()
                        + " (a key-entity file is a JSON list of strings)");
            }
            strings.add(node.asText());
        });
        return List.copyOf(strings);
    }

    private interface ElementVisitor {
        void visit(JsonNode element, String where);
    }

    /** Calls {@code visitor} on every element of every root array in {@code file}. */
    private static void forEachElement(Path file, ElementVisitor visitor) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + " (a TOFU file; point --data at the TOFU folder, e.g. ../shared/datasets/tofu)");
        }
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token != JsonToken.START_ARRAY) {
                    throw new DataFormatException(file, where(parser.currentTokenLocation()),
                            "expected a JSON array, found " + token + " (a TOFU file is one or more arrays of items)");
                }
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (token == null) {
                        throw new DataFormatException(file, where(parser.currentLocation()), "the file ends inside an array");
                    }
                    String where = where(parser.currentTokenLocation());
                    visitor.visit(parser.readValueAsTree(), where);
                }
            }
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file.toString(), where(e.getLocation()), "not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String where(JsonLocation location) {
        return location == null ? "" : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static QaItem item(Path file, JsonNode node, int index, String where) {
        if (!node.isObject()) {
            throw new DataFormatException(file, where, "item " + index + " is " + node.getNodeType() + ", not an object");
        }
        String question = text(node, "question", "prompt", file, index, where);
        String answer = text(node, "answer", "response", file, index, where);
        if (node.has("option1")) {
            return new QaItem(index, question, answer, null, null, wrongOptions(node, answer, file, index, where));
        }
        return new QaItem(index, question, answer, null, optional(node, "paraphrased_answer"),
                perturbed(node.get("perturbed_answer")), optional(node, "paraphrased_question"));
    }

    private static String text(JsonNode node, String key, String alternative, Path file, int index, String where) {
        JsonNode value = node.has(key) ? node.get(key) : node.get(alternative);
        if (value == null || !value.isTextual()) {
            throw new DataFormatException(file, where, "item " + index + " has no text '" + key + "' (or '" + alternative
                    + "'); its keys are " + fieldNames(node));
        }
        return value.asText();
    }

    private static String optional(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> perturbed(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        List<String> answers = new ArrayList<>();
        value.forEach(v -> answers.add(v.asText()));
        return answers;
    }

    private static List<String> wrongOptions(JsonNode node, String answer, Path file, int index, String where) {
        List<String> wrong = new ArrayList<>();
        boolean found = false;
        for (int k = 1; k <= OPTIONS; k++) {
            String option = optional(node, "option" + k);
            if (option == null) {
                throw new DataFormatException(file, where, "multiple-choice item " + index + " has no option" + k);
            }
            if (option.equals(answer) && !found) {
                found = true;
            } else {
                wrong.add(option);
            }
        }
        if (!found) {
            throw new DataFormatException(file, where, "multiple-choice item " + index + ": the answer '" + answer
                    + "' is none of its options");
        }
        return wrong;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<QaItem> withSubject(List<QaItem> items, String subject) {
        return items.stream().map(item -> item.withSubject(subject)).toList();
    }
}
