package dev.lethe.examples;

import ai.djl.Device;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.ledger.ForgetKind;
import dev.lethe.core.ledger.Ledger;
import dev.lethe.core.ledger.RequestSpec;
import dev.lethe.core.sisa.Aggregation;
import dev.lethe.core.sisa.Assignment;
import dev.lethe.core.sisa.ShardPlan;
import dev.lethe.core.store.Store;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.runtime.TorchRuntime;
import dev.lethe.torch.sisa.ForgetService;
import dev.lethe.torch.sisa.Receipt;
import dev.lethe.torch.sisa.SisaConfig;
import dev.lethe.torch.sisa.SisaEnsemble;
import dev.lethe.torch.sisa.SisaService;
import dev.lethe.torch.train.OptimizerKind;
import dev.lethe.torch.train.TrainConfig;
import dev.lethe.torch.train.TrainListener;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Lethe as a library: train a SISA ensemble, forget two records exactly, predict with the new version. The README
 * shows the body of {@link #run} verbatim (LibraryExampleTest checks it), so this is the example that compiles.
 */
public final class LibraryExample {

    private LibraryExample() {
    }

    /** Runs the example in {@code storeDir}; returns the receipt of the erasure and the class predicted after it. */
    public static Object[] run(Path storeDir) throws Exception {
        // README:begin
        TorchRuntime.start(2); // PyTorch's intra-op threads: the same seed and thread count give the same bits
        DatasetRef.Loaded data = DatasetRef.digits(42).load(); // the embedded 8x8 digits, an 80/20 split
        SisaConfig config = new SisaConfig(new ShardPlan(4, 2, Assignment.UNIFORM, 42), // 4 shards x 2 slices
                ModelSpec.parse("mlp:64", new int[]{64}, 10), new TrainConfig(5, 64, OptimizerKind.ADAM, 1e-3f, 0f, 0f, 42),
                Aggregation.MAJORITY_VOTE, 2);
        SisaService.train(storeDir, data, config, Device.cpu(), TrainListener.NONE, slice -> { });

        Store store = Store.open(storeDir);
        Receipt receipt;
        try (Ledger ledger = Ledger.open(store.ledgerFile())) {
            ForgetService forget = new ForgetService(store, Device.cpu(), ledger);
            // durable in the ledger before anything else happens; process() retrains only the shards that held them
            forget.accept(new RequestSpec(ForgetKind.RECORDS, List.of("digits-0001", "digits-0002"), "erasure request #1", null), "me");
            receipt = forget.process().get(0);
        }
        System.out.println(receipt.outcome() + " -> model version " + receipt.modelVersion());

        int predicted;
        try (SisaEnsemble ensemble = SisaService.loadEnsemble(store, Device.cpu())) {
            float[] first = Arrays.copyOf(data.test().featuresView(), 64); // one encoded test record
            predicted = ensemble.answer(new float[][]{first}).classes()[0];
        }
        System.out.println("class " + data.test().classNames().get(predicted));
        // README:end
        return new Object[]{receipt, predicted};
    }
}
