package dev.lethe.torch.sisa;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.sisa.CheckpointKey;
import dev.lethe.core.sisa.ShardJob;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs shard jobs one after another in this JVM with one {@link SisaTrainer} (DJL allows one gradient collector
 * per JVM), in the order given: the built-in executor, {@value #NAME}.
 */
public final class LocalShardExecutor implements ShardExecutor {

    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<ShardResult> execute(List<ShardJob> jobs, ShardContext context) throws IOException {
        List<SliceEvent> events = new ArrayList<>();
        SisaTrainer trainer = new SisaTrainer(context.config(), context.checkpoints(), context.device()).listener(context.listener())
                .onSlice(e -> {
                    events.add(e);
                    context.onSlice().accept(e);
                });
        List<ShardResult> results = new ArrayList<>();
        for (ShardJob job : jobs) {
            long start = System.nanoTime();
            events.clear();
            RecordSet records = context.data().read(job.dataFile()).records();
            CheckpointKey key = trainer.trainShard(records, job.lineage(), job.shard(), job.fromSlice());
            results.add(new ShardResult(job.shard(), key, (System.nanoTime() - start) / 1e9, events));
        }
        return results;
    }
}
