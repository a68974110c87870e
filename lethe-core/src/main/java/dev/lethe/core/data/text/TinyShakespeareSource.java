package dev.lethe.core.data.text;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.catalog.DataSource;
import dev.lethe.core.data.catalog.DatasetCatalog;
import dev.lethe.core.data.catalog.LoadedDataset;
import dev.lethe.core.text.ByteTokenizer;
import dev.lethe.core.text.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * {@code tinyshakespeare}: Karpathy's tiny-shakespeare corpus (1.1 M characters of Shakespeare's plays) as a
 * plain-text language-model data set ({@code --dataset tinyshakespeare --data DIR}, DIR holding
 * {@code input.txt} or {@code input.txt.gz}, or a data folder with {@code tinyshakespeare/} in it). One record
 * is one speaker's turn ({@link SpeakerTurns}), its subject the speaker, so that forgetting a character
 * forgets everything they say; a turn longer than {@link #DEFAULT_MAX_TOKENS} tokens is cut into chunks
 * ({@link TextRecords}). Every token counts in the loss. Ids are {@code shakespeare-000123}. There is no
 * canonical test split: {@link DatasetRef#load()} splits by id.
 */
public final class TinyShakespeareSource implements DataSource {

    /** The source's name. */
    public static final String NAME = "tinyshakespeare";
    /** The most tokens of one record by default (fits the default {@code gpt} context of 640). */
    public static final int DEFAULT_MAX_TOKENS = 512;
    private static final List<String> FILES = List.of("input.txt", "input.txt.gz");

    private final Tokenizer tokenizer;
    private final int maxTokens;

    /** Byte tokens, records of at most {@value #DEFAULT_MAX_TOKENS} tokens. */
    public TinyShakespeareSource() {
        this(ByteTokenizer.INSTANCE, DEFAULT_MAX_TOKENS);
    }

    /** With another tokenizer or record length. */
    public TinyShakespeareSource(Tokenizer tokenizer, int maxTokens) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.maxTokens = maxTokens;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String idFormat() {
        return "shakespeare-000000, …: the record's 0-based position over the speaker turns (a turn longer than the context is split); subjects are the speakers";
    }

    @Override
    public String description() {
        return "tiny-shakespeare as plain text, one record per speaker turn, subject = the speaker: --dataset tinyshakespeare --data DIR";
    }

    @Override
    public LoadedDataset read(DatasetRef ref) throws IOException {
        return new LoadedDataset(read(file(ref)), null);
    }

    /** The records of one corpus file ({@code .txt} or {@code .txt.gz}). */
    public RecordSet read(Path file) throws IOException {
        String text;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<TextRecords.Passage> passages = SpeakerTurns.parse(text).stream()
                .map(turn -> new TextRecords.Passage(turn.speaker(), turn.text())).toList();
        if (passages.isEmpty()) {
            throw new DataFormatException(file, null, "no speaker turns found (expected lines 'NAME:' each followed by"
                    + " what the speaker says, turns separated by blank lines)");
        }
        return TextRecords.of(NAME, passages, "shakespeare", tokenizer, maxTokens);
    }

    private static Path file(DatasetRef ref) {
        Path base = ref.path() != null ? Path.of(ref.path()) : DatasetCatalog.configuredDataDir()
                .orElseThrow(() -> new IllegalArgumentException("--dataset " + NAME + " needs --data DIR (the folder with input.txt.gz) or LETHE_DATASETS"));
        if (Files.isRegularFile(base)) {
            return base;
        }
        for (Path dir : List.of(base, base.resolve(NAME))) {
            for (String name : FILES) {
                if (Files.isRegularFile(dir.resolve(name))) {
                    return dir.resolve(name);
                }
            }
        }
        throw new IllegalArgumentException("no tiny-shakespeare file in " + base + " (looked for " + String.join(" or ", FILES)
                + " there and in " + NAME + "/)");
    }
}
