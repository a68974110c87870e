package dev.lethe.core.data.tofu;

import dev.lethe.core.lm.QaItem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The authors of a TOFU file: TOFU writes 20 question–answer pairs per fictitious author, author after
 * author, so pair {@code i} is about author {@code i / 20}. The files never name the author in a field;
 * {@link AuthorNameGuess} reads each block's name from its text, trying the key entities of the
 * {@code forgetNN_fts.json} lists first. A block whose name cannot be read is called
 * {@code <prefix>-NNN} (its block number), so every author still has a stable, distinct subject.
 */
public final class TofuAuthors {

    /** Pairs per author in every TOFU author file. */
    public static final int PAIRS_PER_AUTHOR = 20;
    /** The file with all 200 authors. */
    public static final String FULL_FILE = "full.json";

    private final List<String> names;
    private final List<QaItem> items;
    private final Map<String, Integer> indexByPair;

    private TofuAuthors(List<String> names, List<QaItem> items) {
        this.names = List.copyOf(names);
        this.items = List.copyOf(items);
        this.indexByPair = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            indexByPair.putIfAbsent(pairKey(items.get(i)), i);
        }
    }

    /**
     * The authors of {@code full.json} in {@code tofuDir}, named with the key entities of every
     * {@code *_fts.json} there.
     */
    public static TofuAuthors ofFolder(Path tofuDir) throws IOException {
        return ofBlocks(TofuFiles.parse(tofuDir.resolve(FULL_FILE)), knownNames(tofuDir), "author");
    }

    /**
     * The authors of {@code items}, read in blocks of {@value #PAIRS_PER_AUTHOR}.
     *
     * @param knownNames entity strings to try first as names (may be empty)
     * @param fallbackPrefix what an unreadable block is called, with its number ({@code author-007})
     */
    public static TofuAuthors ofBlocks(List<QaItem> items, Collection<String> knownNames, String fallbackPrefix) {
        if (items.size() % PAIRS_PER_AUTHOR != 0) {
            throw new IllegalArgumentException(items.size() + " items are not whole blocks of " + PAIRS_PER_AUTHOR
                    + " pairs per author; a TOFU author file always is");
        }
        int blocks = items.size() / PAIRS_PER_AUTHOR;
        List<String> names = new ArrayList<>();
        Set<String> taken = new LinkedHashSet<>();
        for (int b = 0; b < blocks; b++) {
            String fallback = fallbackPrefix + "-" + String.format("%03d", b);
            String name = AuthorNameGuess.guess(items.subList(b * PAIRS_PER_AUTHOR, (b + 1) * PAIRS_PER_AUTHOR), knownNames)
                    .filter(n -> !taken.contains(n))
                    .orElse(fallback);
            taken.add(name);
            names.add(name);
        }
        return new TofuAuthors(names, items);
    }

    /** Every string of every {@code *_fts.json} key-entity list in {@code tofuDir} (none when there are none). */
    public static List<String> knownNames(Path tofuDir) throws IOException {
        if (tofuDir == null || !Files.isDirectory(tofuDir)) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(tofuDir)) {
            for (Path fts : files.filter(f -> f.getFileName().toString().endsWith("_fts.json")).sorted().toList()) {
                names.addAll(TofuFiles.readStrings(fts));
            }
        }
        return List.copyOf(names);
    }

    /** The number of authors. */
    public int count() {
        return names.size();
    }

    /** Author names in file order. */
    public List<String> names() {
        return names;
    }

    /** The name of author {@code author} (0-based block number). */
    public String name(int author) {
        return names.get(author);
    }

    /** The subject of the pair at {@code index} in the file the authors were read from. */
    public String subjectOf(int index) {
        if (index < 0 || index >= items.size()) {
            throw new IndexOutOfBoundsException("pair " + index + " is outside the file's " + items.size() + " pairs");
        }
        return names.get(index / PAIRS_PER_AUTHOR);
    }

    /** The block number of the author called {@code name}, or -1. */
    public int authorOf(String name) {
        return names.indexOf(name);
    }

    /** The items the authors were read from, with their subjects. */
    public List<QaItem> items() {
        return name(items);
    }

    /**
     * The position in this file of the pair with the same question and answer as {@code item}, or -1.
     * Both are compared because a question alone is not unique in {@code full.json} ("What is the full name
     * of the author?" is asked of two authors).
     */
    public int indexOf(QaItem item) {
        return indexByPair.getOrDefault(pairKey(item), -1);
    }

    /** {@code items} (from this very file) with the subject of their block. */
    List<QaItem> name(List<QaItem> fileItems) {
        List<QaItem> named = new ArrayList<>(fileItems.size());
        for (int i = 0; i < fileItems.size(); i++) {
            named.add(fileItems.get(i).withSubject(subjectOf(i)));
        }
        return named;
    }

    /**
     * {@code others} (items of another file about the same authors: a forget, retain or perturbed split)
     * with the subject of their pair here, or {@code null} when some pair is not here.
     */
    List<QaItem> nameByFullIndex(List<QaItem> others) {
        List<QaItem> named = new ArrayList<>(others.size());
        for (QaItem item : others) {
            int index = indexOf(item);
            if (index < 0) {
                return null;
            }
            named.add(item.withSubject(subjectOf(index)));
        }
        return named;
    }

    private static String pairKey(QaItem item) {
        return item.question() + "\u0000" + item.answer();
    }
}
