package dev.lethe.spark;

import dev.lethe.core.sisa.CheckpointStore;
import dev.lethe.core.sisa.FileCheckpointStore;
import dev.lethe.core.sisa.FileShardDataStore;
import dev.lethe.core.sisa.VerifiedCheckpointStore;
import dev.lethe.core.store.StoreException;
import dev.lethe.torch.sisa.ShardContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where Spark tasks find the store a {@link ShardContext} works on: the Hadoop file-system URI of its root, under which
 * its data files and {@code checkpoints/} lie at the paths the store uses. By default the store's own folder
 * ({@code file:///...}), which suits a local master and a cluster whose workers mount the store at the same path; the
 * system property {@value #PROPERTY} names another URI by which the executors reach the same store (e.g. an NFS or HDFS
 * path of it).
 */
final class StoreLocation {

    /** The store's root as the executors see it, if not where the driver sees it. */
    static final String PROPERTY = "lethe.spark.store-uri";

    private StoreLocation() {
    }

    /** The URI of the store {@code context} works on. */
    static String of(ShardContext context) {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return withSlash(configured.trim());
        }
        Path root = checkpointsRoot(context.checkpoints()).getParent();
        if (!(context.data() instanceof FileShardDataStore data) || !data.root().equals(root)) {
            throw new StoreException("the Spark executor needs a store on a file system: its checkpoints and data files in one"
                    + " store folder, or -D" + PROPERTY + "=URI naming where the executors reach them");
        }
        return withSlash(root.toUri().toString());
    }

    private static String withSlash(String uri) {
        return uri.endsWith("/") ? uri : uri + "/";
    }

    private static Path checkpointsRoot(CheckpointStore checkpoints) {
        if (checkpoints instanceof VerifiedCheckpointStore verified) {
            return verified.files().root().toAbsolutePath();
        }
        if (checkpoints instanceof FileCheckpointStore files) {
            return files.root().toAbsolutePath();
        }
        throw new StoreException("the Spark executor needs a store on a file system, not checkpoints in a "
                + checkpoints.getClass().getSimpleName() + ", or -D" + PROPERTY + "=URI naming where the executors reach the store");
    }

    /**
     * Fails with a clear message unless a file can be written and renamed in {@code checkpoints/} under {@code storeUri},
     * as the tasks will: checked on the driver before any Spark work starts.
     */
    static void checkWritable(String storeUri) {
        String probe = "checkpoints/.lethe-spark-probe-" + UUID.randomUUID();
        try {
            HadoopFiles files = HadoopFiles.at(storeUri);
            byte[] bytes = {1};
            files.writeAtomically(probe, bytes, org.apache.commons.codec.digest.DigestUtils.sha256Hex(bytes));
            files.delete(probe);
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot write checkpoints under " + storeUri + "checkpoints/: " + e.getMessage()
                    + ". Make the store's checkpoints/ folder writable (by this user and by the user the Spark executors run as)", e);
        }
    }
}
