package dev.lethe.core.data.load;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

/** Writes small Parquet files for tests with Apache Parquet's own writer (the format as data teams produce it). */
public final class ParquetFiles {

    private ParquetFiles() {
    }

    /**
     * Writes {@code rows} rows of {@code schema} (Parquet's message syntax) to {@code file}, snappy-compressed; {@code fill}
     * sets the fields of row {@code i} on a fresh group.
     */
    public static Path write(Path file, String schema, int rows, BiConsumer<Integer, Group> fill) throws IOException {
        MessageType type = MessageTypeParser.parseMessageType(schema);
        Files.deleteIfExists(file);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(type)
                .withConf(new PlainParquetConfiguration()).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            SimpleGroupFactory groups = new SimpleGroupFactory(type);
            for (int i = 0; i < rows; i++) {
                Group g = groups.newGroup();
                fill.accept(i, g);
                writer.write(g);
            }
        }
        return file;
    }

    /** The ids {@code p1..pN}. */
    public static List<String> ids(int n) {
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "p" + i).toList();
    }
}
