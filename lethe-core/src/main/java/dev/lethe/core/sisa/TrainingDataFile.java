package dev.lethe.core.sisa;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.TokenSequences;
import dev.lethe.core.store.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Ingested records of a SISA store: one file per shard ({@code data/shard-SSS-vN.bin}, with each
 * record's slice) and one for the held-out records ({@code data/test-vN.bin}). Per-shard files mean a
 * forget request rewrites only the shards it touches, like the retraining itself.
 *
 * <p>Format: magic {@code LETHEDAT}, version, name, class names, feature shape, record count, a flag
 * for the slice column; then the metadata of every record (id, subject, label, [slice]); then all
 * features as one block of float32. Metadata comes first so that matching a request against every
 * shard ({@link #readMetadata}) never reads features. Written atomically, with the SHA-256 computed
 * on the way out.
 *
 * <p>Token sequences (version 3, written only for them, so dense files stay byte for byte what they
 * were): magic, version, name, vocabulary size, record count, the slice flag; then per record id,
 * subject, token count, [slice]; then all tokens as one block of int32, then the loss mask as one byte
 * per token.
 */
public final class TrainingDataFile {

    private static final long MAGIC = 0x4c45544845444154L; // "LETHEDAT"
    private static final int VERSION = 2;
    private static final int TOKEN_VERSION = 3;

    private TrainingDataFile() {
    }

    /**
     * What a data file holds apart from features.
     *
     * @param name the record set's name
     * @param ids record ids
     * @param subjects subject ids (entries may be null)
     * @param labels labels, or null for token sequences
     * @param slices SISA slice of each record, or null for held-out data
     * @param classNames class names (empty for token sequences)
     * @param featureShape shape of one record's features, or null for token sequences
     */
    public record Metadata(String name, List<String> ids, String[] subjects, int[] labels, int[] slices, List<String> classNames,
                           int[] featureShape) {

        public int size() {
            return ids.size();
        }
    }

    /** The records and, for a shard's file, each record's slice. */
    public record Content(RecordSet records, int[] slices) {
    }

    /** Writes {@code records} (with their {@code slices}, or null for held-out data) and returns the file's SHA-256. */
    public static String write(Path file, RecordSet records, int[] slices) throws IOException {
        if (slices != null && slices.length != records.size()) {
            throw new IllegalArgumentException("slices has " + slices.length + " entries, the set " + records.size());
        }
        if (records.content() instanceof TokenSequences tokens) {
            return writeTokens(file, records, tokens, (NextTokenTargets) records.targets(), slices);
        }
        return AtomicFiles.writeWithSha256(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(records.name());
            out.writeInt(records.numClasses());
            for (String c : records.classNames()) {
                out.writeUTF(c);
            }
            int[] shape = records.featureShape();
            out.writeInt(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            writeRows(out, records, records::label, slices);
            writeValues(out, records.featuresView().length, (block, off, len) -> block.asFloatBuffer().put(records.featuresView(), off, len));
            out.flush();
        });
    }

    private static String writeTokens(Path file, RecordSet records, TokenSequences tokens, NextTokenTargets targets, int[] slices)
            throws IOException {
        return AtomicFiles.writeWithSha256(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.writeLong(MAGIC);
            out.writeInt(TOKEN_VERSION);
            out.writeUTF(records.name());
            out.writeInt(tokens.vocabularySize());
            writeRows(out, records, tokens::length, slices);
            int[] flat = tokens.tokensView();
            writeValues(out, flat.length, (block, off, len) -> block.asIntBuffer().put(flat, off, len));
            boolean[] mask = targets.maskView();
            byte[] maskBytes = new byte[mask.length];
            for (int k = 0; k < mask.length; k++) {
                maskBytes[k] = (byte) (mask[k] ? 1 : 0);
            }
            out.write(maskBytes);
            out.flush();
        });
    }

    /** Reads the metadata only (ids, subjects, labels, slices), skipping the features. */
    public static Metadata readMetadata(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            return metadata(in, file);
        } catch (EOFException e) {
            throw truncated(file);
        }
    }

    /** Reads a whole file written by {@link #write}; a damaged file is a {@link DataFormatException} naming it. */
    public static Content read(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            Header h = header(in, file);
            if (h.tokenLengths() != null) {
                return new Content(readTokens(in, h), h.metadata().slices());
            }
            Metadata m = h.metadata();
            int width = 1;
            for (int d : m.featureShape()) {
                width *= d;
            }
            float[] features = new float[m.size() * width];
            readValues(in, features.length, (block, off, len) -> block.asFloatBuffer().get(features, off, len));
            RecordSet records = new RecordSet(m.name(), m.ids().toArray(String[]::new), m.subjects(), features, m.labels(),
                    m.featureShape(), m.classNames());
            return new Content(records, m.slices());
        } catch (EOFException e) {
            throw truncated(file);
        }
    }

    private static RecordSet readTokens(DataInputStream in, Header h) throws IOException {
        Metadata m = h.metadata();
        int[] offsets = new int[m.size() + 1];
        for (int i = 0; i < m.size(); i++) {
            offsets[i + 1] = Math.addExact(offsets[i], h.tokenLengths()[i]);
        }
        int[] flat = new int[offsets[m.size()]];
        readValues(in, flat.length, (block, off, len) -> block.asIntBuffer().get(flat, off, len));
        byte[] maskBytes = new byte[flat.length];
        in.readFully(maskBytes);
        boolean[] mask = new boolean[flat.length];
        for (int k = 0; k < mask.length; k++) {
            mask[k] = maskBytes[k] != 0;
        }
        return new RecordSet(m.name(), m.ids().toArray(String[]::new), m.subjects(),
                new TokenSequences(flat, offsets, h.vocabularySize()), new NextTokenTargets(mask, offsets));
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    /** What precedes the values: the metadata and, for token files, the vocabulary and each record's length. */
    private record Header(Metadata metadata, int vocabularySize, int[] tokenLengths) {
    }

    private static Metadata metadata(DataInputStream in, Path file) throws IOException {
        return header(in, file).metadata();
    }

    private static Header header(DataInputStream in, Path file) throws IOException {
        if (in.readLong() != MAGIC) {
            throw new DataFormatException(file, "offset 0", "not a Lethe data file (bad magic)");
        }
        int version = in.readInt();
        if (version == TOKEN_VERSION) {
            return tokenHeader(in);
        }
        if (version != VERSION) {
            throw new DataFormatException(file, "offset 8", "data file version " + version + " is not supported (expected " + VERSION
                    + " or " + TOKEN_VERSION + ")");
        }
        String name = in.readUTF();
        List<String> classes = new ArrayList<>();
        int numClasses = in.readInt();
        for (int c = 0; c < numClasses; c++) {
            classes.add(in.readUTF());
        }
        int[] shape = new int[in.readInt()];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = in.readInt();
        }
        Rows rows = readRows(in);
        return new Header(new Metadata(name, rows.ids(), rows.subjects(), rows.values(), rows.slices(), classes, shape), 0, null);
    }

    private static Header tokenHeader(DataInputStream in) throws IOException {
        String name = in.readUTF();
        int vocabularySize = in.readInt();
        Rows rows = readRows(in);
        return new Header(new Metadata(name, rows.ids(), rows.subjects(), null, rows.slices(), List.of(), null), vocabularySize, rows.values());
    }

    /**
     * The identity rows of both formats: the record count, whether slices follow, then per record its id, its
     * subject (flag + text), one int ({@code value}: the label of a dense file, the token count of a token file)
     * and its slice when there are slices.
     */
    private static void writeRows(DataOutputStream out, RecordSet records, IntUnaryOperator value, int[] slices) throws IOException {
        out.writeInt(records.size());
        out.writeBoolean(slices != null);
        for (int i = 0; i < records.size(); i++) {
            out.writeUTF(records.id(i));
            String subject = records.subject(i);
            out.writeBoolean(subject != null);
            if (subject != null) {
                out.writeUTF(subject);
            }
            out.writeInt(value.applyAsInt(i));
            if (slices != null) {
                out.writeInt(slices[i]);
            }
        }
    }

    /** The rows {@link #writeRows} wrote. */
    private record Rows(List<String> ids, String[] subjects, int[] values, int[] slices) {
    }

    private static Rows readRows(DataInputStream in) throws IOException {
        int n = in.readInt();
        boolean hasSlices = in.readBoolean();
        List<String> ids = new ArrayList<>(n);
        String[] subjects = new String[n];
        int[] values = new int[n];
        int[] slices = hasSlices ? new int[n] : null;
        for (int i = 0; i < n; i++) {
            ids.add(in.readUTF());
            subjects[i] = in.readBoolean() ? in.readUTF() : null;
            values[i] = in.readInt();
            if (hasSlices) {
                slices[i] = in.readInt();
            }
        }
        return new Rows(ids, subjects, values, slices);
    }

    /** Moves {@code len} 4-byte values starting at {@code off} between an array and a buffer. */
    @FunctionalInterface
    private interface Chunk {
        void move(ByteBuffer block, int off, int len);
    }

    /** Writes {@code count} 4-byte values (floats or ints, big-endian) in 1 MiB chunks. */
    private static void writeValues(DataOutputStream out, int count, Chunk fill) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(1 << 20);
        for (int off = 0; off < count; ) {
            int len = Math.min(count - off, block.capacity() / 4);
            block.clear();
            fill.move(block, off, len);
            out.write(block.array(), 0, len * 4);
            off += len;
        }
    }

    /** Reads {@code count} 4-byte values written by {@link #writeValues}. */
    private static void readValues(DataInputStream in, int count, Chunk take) throws IOException {
        byte[] block = new byte[1 << 20];
        for (int off = 0; off < count; ) {
            int len = Math.min(count - off, block.length / 4);
            in.readFully(block, 0, len * 4);
            take.move(ByteBuffer.wrap(block, 0, len * 4), off, len);
            off += len;
        }
    }

    private static DataFormatException truncated(Path file) {
        return new DataFormatException(file, "", "the file is truncated; the store is damaged (run 'lethe audit')");
    }
}
