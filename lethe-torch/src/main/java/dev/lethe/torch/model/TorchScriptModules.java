package dev.lethe.torch.model;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import dev.lethe.torch.runtime.Scalars;
import dev.lethe.torch.runtime.TorchRuntime;
import org.apache.commons.codec.digest.DigestUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TorchScript modules in and out of Lethe: {@link #open} brings a user's module in as a {@link ModelHandle} of the
 * {@link TorchScriptFamily} after checking that it is a classifier for the data (it accepts a batch of the data's input
 * shape and returns one logit per class), {@link #write} saves a model of that family as a TorchScript file that
 * {@code torch.jit.load} reads, and {@link #remember} keeps an imported module's bytes for the process, so that fresh copies
 * of its architecture ({@link ModelHandle#create}: retraining, SISA shards) can be made.
 *
 * <p>DJL's PyTorch engine loads the module (libtorch's {@code torch::jit::load}), and its parameters take gradients once
 * unfrozen, so DJL's training loop and every method that needs only the forward pass train them like any block's.
 */
public final class TorchScriptModules {

    private static final Map<String, byte[]> KNOWN = new ConcurrentHashMap<>();

    private TorchScriptModules() {
    }

    /** The SHA-256 (hex) of a module file's bytes: the module's identity in specs, manifests and receipts. */
    public static String digest(byte[] module) {
        return DigestUtils.sha256Hex(module);
    }

    /** Keeps {@code module} (a TorchScript file's bytes) for this process under its digest, which it returns. */
    public static String remember(byte[] module) {
        String digest = digest(module);
        KNOWN.putIfAbsent(digest, module.clone());
        return digest;
    }

    /**
     * Brings the module in {@code module} (a TorchScript file's bytes; {@code source} names it in messages) in as a model
     * for inputs of {@code inputShape} and {@code numClasses} classes, with the weights it was saved with; remembers it.
     *
     * @throws IllegalArgumentException when the bytes are not a TorchScript module, or the module does not take a batch of
     *                                  {@code inputShape} or does not return {@code [batch, numClasses]} logits; the
     *                                  message says which and what the module did instead
     */
    public static ModelHandle open(byte[] module, String source, int[] inputShape, int numClasses, Device device) {
        String digest = digest(module);
        ModelSpec spec = new ModelSpec(new TorchScriptFamily(), new TorchScriptFamily.ModuleDigest(digest), inputShape, numClasses);
        NDManager manager = TorchRuntime.engine().newBaseManager(device);
        try {
            TorchScriptBlock block = load(module, source, inputShape, manager);
            ModelHandle model = new ModelHandle(spec, manager, block);
            checkClassifier(model, source);
            checkFeatureOutput(model, block, source);
            remember(module);
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Keeps {@code module} for this process as the graph of module {@code digest} (a template whose weights were re-drawn). */
    public static void remember(String digest, byte[] module) {
        KNOWN.putIfAbsent(digest, module.clone());
    }

    /** A new copy of the remembered module {@code digest} (for inputs of {@code inputShape}) in {@code manager}, with the weights it was imported with. */
    static Block instantiate(String digest, int[] inputShape, NDManager manager) {
        byte[] module = KNOWN.get(digest);
        if (module == null) {
            throw new IllegalStateException("the TorchScript module " + digest.substring(0, 12) + "… is not known to this process:"
                    + " open the store it was imported into (it keeps the module) or import it again");
        }
        return load(module, "module " + digest.substring(0, 12), inputShape, manager);
    }

    /** Writes {@code model}'s module, with its current weights, as a TorchScript file that {@code torch.jit.load} reads. */
    public static void write(ModelHandle model, OutputStream out) throws IOException {
        if (!(model.block() instanceof TorchScriptBlock block)) {
            throw new IllegalArgumentException("only a model imported from TorchScript can be written as TorchScript; this one is "
                    + model.spec().name() + ", built by Lethe");
        }
        JniUtils.writeModule(block.module(), out, false);
        out.flush();
    }

    private static TorchScriptBlock load(byte[] module, String source, int[] inputShape, NDManager manager) {
        runUnoptimised();
        PtSymbolBlock block;
        try {
            block = JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(module), true, false);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + " is not a TorchScript module that libtorch " + TorchRuntime.engine().getVersion()
                    + " can load (" + firstLine(e) + "); save it with torch.jit.script(model).save(path) or torch.jit.trace", e);
        }
        block.freezeParameters(false); // trainable, as DJL's loadParameters leaves them frozen
        return new TorchScriptBlock(block, inputShape);
    }

    /**
     * Turns TorchScript's graph optimiser off, before any module runs in this process. Its profiling executor specialises
     * and fuses a module's graph after the first runs: a fused graph can differ in the last bits (no bit-exact retraining),
     * and one specialised for training runs again in evaluation mode, under libtorch's inference mode, and fails there
     * ("Inference tensors cannot be saved for backward"). The switch is libtorch's, process-wide.
     */
    static void runUnoptimised() {
        JniUtils.setGraphExecutorOptimize(false);
    }

    private static void checkClassifier(ModelHandle model, String source) {
        Shape batch = model.spec().batchShape(2);
        try (NDManager scratch = model.manager().newSubManager()) {
            NDList outputs;
            try {
                outputs = model.forward(new NDList(scratch.zeros(batch)), false);
            } catch (EngineException | IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " does not take the data's inputs: a batch of shape " + batch
                        + " fails in the module (" + firstLine(e) + "); the data set's records have shape "
                        + Arrays.toString(model.spec().inputShape()), e);
            }
            if (outputs.size() != 1) {
                throw new IllegalArgumentException(source + " returns " + outputs.size() + " outputs; a classifier returns one array of"
                        + " logits [batch, classes]");
            }
            NDArray logits = outputs.singletonOrThrow();
            Shape expected = new Shape(2, model.spec().numClasses());
            if (!logits.getShape().equals(expected)) {
                throw new IllegalArgumentException(source + " returns logits of shape " + logits.getShape() + " for a batch of 2; the data set has "
                        + model.spec().numClasses() + " classes, so a classifier for it returns " + expected);
            }
        }
    }

    /**
     * For a module that exports {@code features} and {@code classify}: {@code classify(features(x))} must be what
     * {@code forward(x)} returns (to 1e-4, on a fixed batch), or the layers Lethe works at would not be the model's.
     */
    private static void checkFeatureOutput(ModelHandle model, TorchScriptBlock block, String source) {
        if (block.head().isEmpty()) {
            return;
        }
        Shape batch = model.spec().batchShape(2);
        try (NDManager scratch = model.manager().newSubManager()) {
            // a fixed, varied batch: x[i] = ((i mod 17) / 16), no random draw
            NDArray x = Scalars.div(scratch.arange(0f, (float) batch.size()).mod(17f), 16f).reshape(batch);
            NDArray whole = model.forward(x, false);
            NDArray split;
            try {
                split = block.classify(block.features(x, false), false);
            } catch (EngineException | IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " exports features and classify, but classify(features(x)) fails ("
                        + firstLine(e) + "); classify must take what features returns", e);
            }
            float gap = split.getShape().equals(whole.getShape()) ? whole.sub(split).abs().max().getFloat() : Float.POSITIVE_INFINITY;
            if (!(gap <= 1e-4f)) {
                throw new IllegalArgumentException(source + " exports features and classify, but classify(features(x)) is not forward(x)"
                        + (Float.isInfinite(gap) ? " (shape " + split.getShape() + ", not " + whole.getShape() + ")" : " (they differ by " + gap + ")")
                        + ": forward must be classify(features(x)) for Lethe to work at the layer between them");
            }
        }
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
