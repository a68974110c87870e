package dev.lethe.torch.sisa;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.FileCheckpointStore;
import dev.lethe.core.sisa.ShardJob;
import dev.lethe.core.sisa.TrainingDataFile;
import org.apache.commons.io.FileUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A toy second executor, defined only in test sources and plugged in through
 * {@code META-INF/services/dev.lethe.torch.sisa.ShardExecutor}: it runs the jobs in reverse shard order, each as a
 * remote worker would, in a folder of its own — the job's data file and start checkpoint are copied in, the shard
 * trains against the worker's own checkpoint folder, and the checkpoints it wrote are copied back to the store.
 */
public final class CopyingShardExecutor implements ShardExecutor {

    public static final String NAME = "test-copying";

    /** The shards of every job run, in the order they ran. */
    static final List<Integer> RAN = new ArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ShardResult> execute(List<ShardJob> jobs, ShardContext context) throws IOException {
        ShardResult[] results = new ShardResult[jobs.size()];
        for (int i = jobs.size() - 1; i >= 0; i--) {
            results[i] = runOnWorker(jobs.get(i), context);
        }
        return Arrays.asList(results);
    }

    private static ShardResult runOnWorker(ShardJob job, ShardContext context) throws IOException {
        long start = System.nanoTime();
        Path worker = Files.createTempDirectory("lethe-worker-");
        try {
            // the job's records, fetched to the worker's disk and read from there
            Path data = worker.resolve("shard.bin");
            TrainingDataFile.Content content = context.data().read(job.dataFile());
            TrainingDataFile.write(data, content.records(), content.slices());
            RecordSet records = TrainingDataFile.read(data).records();
            FileCheckpointStore local = new FileCheckpointStore(worker.resolve("checkpoints"));
            if (job.start().isPresent()) {
                copy(job.start().get(), context.checkpoints(), local);
            }
            List<SliceEvent> events = new ArrayList<>();
            CheckpointKey last = new SisaTrainer(context.config(), local, context.device()).listener(context.listener())
                    .onSlice(events::add)
                    .trainShard(records, job.lineage(), job.shard(), job.fromSlice());
            for (CheckpointKey key : job.trainedKeys()) {
                copy(key, local, context.checkpoints());
            }
            events.forEach(context.onSlice());
            synchronized (RAN) {
                RAN.add(job.shard());
            }
            return new ShardResult(job.shard(), last, (System.nanoTime() - start) / 1e9, events);
        } finally {
            FileUtils.deleteDirectory(worker.toFile());
        }
    }

    private static void copy(CheckpointKey key, dev.lethe.core.sisa.CheckpointStore from, dev.lethe.core.sisa.CheckpointStore to)
            throws IOException {
        to.put(key, out -> {
            try (InputStream in = from.open(key)) {
                in.transferTo(out);
            }
        });
    }
}
