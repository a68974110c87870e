package dev.lethe.core.sisa;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.store.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ingested records of a store ({@code data/train.bin}, {@code data/test.bin}): ids, subjects,
 * labels, features, and for training data the SISA placement of each record. Written atomically, so
 * purging forgotten rows replaces the file in one step and never leaves it half-written.
 *
 * <p>Format: magic {@code LETHEDAT}, version, name, class names, feature shape, record count, a flag
 * for lineage columns; then per record: id, subject (or absent), label, [shard, slice], features.
 */
public final class TrainingDataFile {

    private static final long MAGIC = 0x4c45544845444154L; // "LETHEDAT"
    private static final int VERSION = 1;

    private TrainingDataFile() {
    }

    /** The records and, for training data, where each one was placed. */
    public record Content(RecordSet records, int[] shards, int[] slices) {

        public boolean hasLineage() {
            return shards != null;
        }

        public Lineage lineage(ShardPlan plan) {
            if (!hasLineage()) {
                throw new IllegalStateException(records.name() + " holds no SISA placement");
            }
            return new Lineage(plan, records.ids(), shards, slices);
        }
    }

    /** Writes {@code records} with their placement ({@code lineage} may be null for test data). */
    public static void write(Path file, RecordSet records, Lineage lineage) throws IOException {
        if (lineage != null && lineage.size() != records.size()) {
            throw new IllegalArgumentException("lineage has " + lineage.size() + " records, the set " + records.size());
        }
        int[] shards = lineage == null ? null : lineage.shards();
        int[] slices = lineage == null ? null : lineage.slices();
        AtomicFiles.write(file, raw -> {
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
            out.writeInt(records.size());
            out.writeBoolean(lineage != null);
            float[] features = records.featuresView();
            int width = records.featureSize();
            java.nio.ByteBuffer row = java.nio.ByteBuffer.allocate(width * 4);
            for (int i = 0; i < records.size(); i++) {
                out.writeUTF(records.id(i));
                String subject = records.subject(i);
                out.writeBoolean(subject != null);
                if (subject != null) {
                    out.writeUTF(subject);
                }
                out.writeInt(records.label(i));
                if (lineage != null) {
                    out.writeInt(shards[i]);
                    out.writeInt(slices[i]);
                }
                row.clear();
                row.asFloatBuffer().put(features, i * width, width);
                out.write(row.array());
            }
            out.flush();
        });
    }

    /** Reads a file written by {@link #write}; a damaged file is a {@link DataFormatException} naming it. */
    public static Content read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readLong() != MAGIC) {
                throw new DataFormatException(file, "offset 0", "not a Lethe data file (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new DataFormatException(file, "offset 8", "data file version " + version + " is not supported");
            }
            String name = in.readUTF();
            List<String> classes = new ArrayList<>();
            int numClasses = in.readInt();
            for (int c = 0; c < numClasses; c++) {
                classes.add(in.readUTF());
            }
            int[] shape = new int[in.readInt()];
            int width = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readInt();
                width *= shape[d];
            }
            int n = in.readInt();
            boolean lineage = in.readBoolean();
            String[] ids = new String[n];
            String[] subjects = new String[n];
            int[] labels = new int[n];
            int[] shards = lineage ? new int[n] : null;
            int[] slices = lineage ? new int[n] : null;
            float[] features = new float[n * width];
            byte[] row = new byte[width * 4];
            for (int i = 0; i < n; i++) {
                ids[i] = in.readUTF();
                subjects[i] = in.readBoolean() ? in.readUTF() : null;
                labels[i] = in.readInt();
                if (lineage) {
                    shards[i] = in.readInt();
                    slices[i] = in.readInt();
                }
                in.readFully(row);
                java.nio.ByteBuffer.wrap(row).asFloatBuffer().get(features, i * width, width);
            }
            return new Content(new RecordSet(name, ids, subjects, features, labels, shape, classes), shards, slices);
        } catch (EOFException e) {
            throw new DataFormatException(file, "", "the file is truncated; the store is damaged (run 'lethe audit')");
        }
    }
}
