package dev.lethe.torch.model;

import org.apache.commons.codec.binary.Hex;
import org.apache.commons.codec.digest.DigestUtils;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.lethe.core.seed.Seeds;
import dev.lethe.core.store.AtomicFiles;
import dev.lethe.torch.runtime.TorchRuntime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * A model in memory: its {@link ModelSpec}, the DJL block its family built (any {@link Block}) and the
 * {@link NDManager} that owns every parameter array. Closing the handle frees all of them. It takes a
 * list of inputs ({@link #forward(NDList, boolean)}) and reaches the family's intermediate layers
 * ({@link #forwardLayers}, {@link #activations}, {@link #layerParameters}), so code that works on
 * models does not need to know which family it has.
 *
 * <p>Follows the DJL/PyTorch patterns of docs/ARCHITECTURE.md#djl-and-pytorch: initialisation draws from a seed derived from
 * {@code (seed, "init")}; {@link #load} builds a fresh block and re-enables gradients (DJL's
 * {@code loadParameters} leaves them off); {@link #copy} round-trips the parameters through bytes so
 * the copy shares no array with the original.
 *
 * <p>File format ({@code .lethe-model}): magic {@code LETHEMDL}, format version, the spec as text,
 * then DJL's own parameter encoding. Saving is atomic (temporary file, fsync, rename), so a crash
 * never leaves a half-written model under the final name.
 */
public final class ModelHandle implements AutoCloseable {

    private static final byte[] MAGIC = "LETHEMDL".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 1;

    private final ModelSpec spec;
    private final NDManager manager;
    private final Block block;
    private final ModelLayers layers;
    private final ParameterStore parameterStore;

    ModelHandle(ModelSpec spec, NDManager manager, Block block) {
        this.spec = spec;
        this.manager = manager;
        this.block = block;
        this.layers = spec.family().layers(block);
        this.parameterStore = new ParameterStore(manager, false);
    }

    /** A new model with freshly initialised weights (Xavier for weights, zeros for biases). */
    public static ModelHandle create(ModelSpec spec, long seed, Device device) {
        var engine = TorchRuntime.engine();
        NDManager manager = engine.newBaseManager(device);
        Block block;
        try {
            block = spec.family().buildFresh(spec, manager);
            // The torch generator is global: seed it from (seed, "init") right before the draws, so the
            // initial weights do not depend on anything drawn earlier in the process.
            engine.setRandomSeed((int) (Seeds.derive(seed, "init") & 0x7fffffff));
            spec.family().initialize(block, spec, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new ModelHandle(spec, manager, block);
    }

    /** A new model with freshly initialised weights on the CPU. */
    public static ModelHandle create(ModelSpec spec, long seed) {
        return create(spec, seed, Device.cpu());
    }

    public ModelSpec spec() {
        return spec;
    }

    public Block block() {
        return block;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return manager.getDevice();
    }

    public ParameterStore parameterStore() {
        return parameterStore;
    }

    /** The trainable parameters in block order, as (name, parameter) pairs. */
    public List<Pair<String, Parameter>> parameters() {
        List<Pair<String, Parameter>> list = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            list.add(p);
        }
        return list;
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        return parameters().stream().mapToLong(p -> p.getValue().getArray().size()).sum();
    }

    /** The model's outputs for a batch of inputs (one array per model input, batch axis first). */
    public NDList forward(NDList inputs, boolean training) {
        return block.forward(parameterStore, inputs, training);
    }

    /** Logits for a batch of inputs {@code [batch, ...inputShape]}: {@link #forward(NDList, boolean)} for one input and one output. */
    public NDArray forward(NDArray inputs, boolean training) {
        return forward(new NDList(inputs), training).singletonOrThrow();
    }

    /** Number of addressable layers of the model's family, the output head included (see {@link ModelLayers}). */
    public int layerCount() {
        return layers.count();
    }

    /** The output of layers {@code from} (inclusive) to {@code to} (exclusive) for {@code inputs}, the input of layer {@code from}. */
    public NDList forwardLayers(NDList inputs, int from, int to, boolean training) {
        return layers.forward(parameterStore, inputs, from, to, training);
    }

    /** The activations after layer {@code layer} (layers {@code 0..layer}) for a batch of model inputs. */
    public NDList activations(NDList inputs, int layer, boolean training) {
        return forwardLayers(inputs, 0, layer + 1, training);
    }

    /** Whether the model is one layer opaque to Lethe ({@link ModelLayers#opaque()}): no inner layer to work at or probe. */
    public boolean isOpaque() {
        return layers.opaque();
    }

    /** The parameters that belong to layer {@code layer}; empty for a layer without any. */
    public ParameterList layerParameters(int layer) {
        return layers.parameters(layer);
    }

    /** Writes the model to a stream in the {@code .lethe-model} format. */
    public void write(OutputStream out) throws IOException {
        DataOutputStream dos = new DataOutputStream(out);
        dos.write(MAGIC);
        dos.writeInt(FORMAT_VERSION);
        dos.writeUTF(ModelSpecCodec.encode(spec));
        block.saveParameters(dos);
        dos.flush();
    }

    /** Saves atomically to {@code file} (temporary file, fsync, rename). */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, this::write);
    }

    /** The model as bytes in the {@code .lethe-model} format. */
    public byte[] toBytes() {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            write(bos);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bos.toByteArray();
    }

    /** Reads a model from a stream in the {@code .lethe-model} format; {@code source} names it in errors. */
    public static ModelHandle read(InputStream in, String source, Device device) throws IOException {
        DataInputStream dis = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        try {
            dis.readFully(magic);
        } catch (IOException e) {
            throw new CorruptModelException(source, "the file is shorter than the " + MAGIC.length + "-byte header");
        }
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new CorruptModelException(source, "not a Lethe model (bad magic bytes at offset 0)");
        }
        int version = dis.readInt();
        if (version != FORMAT_VERSION) {
            throw new CorruptModelException(source, "model format version " + version + " is not supported (expected " + FORMAT_VERSION + ")");
        }
        ModelSpec spec = ModelSpecCodec.decode(dis.readUTF(), source);
        NDManager manager = TorchRuntime.engine().newBaseManager(device);
        Block block = spec.family().build(spec, manager);
        try {
            block.loadParameters(manager, dis);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            manager.close();
            throw new CorruptModelException(source, "the parameters cannot be read (" + e.getMessage() + ")", e);
        }
        // loadParameters leaves requiresGradient off; training needs it on (docs/ARCHITECTURE.md#djl-and-pytorch).
        block.freezeParameters(false);
        return new ModelHandle(spec, manager, block);
    }

    /** Loads a model saved by {@link #save}. */
    public static ModelHandle load(Path file, Device device) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.io.FileNotFoundException(file + ": no such model file");
        }
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString(), device);
        }
    }

    /** Loads a model saved by {@link #save} onto the CPU. */
    public static ModelHandle load(Path file) throws IOException {
        return load(file, Device.cpu());
    }

    /** An independent copy with the same weights (no shared arrays), on the same device. */
    public ModelHandle copy() {
        try {
            return read(new ByteArrayInputStream(toBytes()), "copy of " + spec.name(), device());
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail", e);
        }
    }

    /**
     * SHA-256 over every parameter's name, shape and float bits, in block order. Two models with the
     * same digest have bit-identical weights.
     */
    public String weightsDigest() {
        MessageDigest md = DigestUtils.getSha256Digest();
        for (Pair<String, Parameter> p : parameters()) {
            NDArray a = p.getValue().getArray();
            md.update(p.getKey().getBytes(StandardCharsets.UTF_8));
            md.update(a.getShape().toString().getBytes(StandardCharsets.UTF_8));
            ByteBuffer bytes = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            md.update(bytes);
        }
        return Hex.encodeHexString(md.digest());
    }

    @Override
    public void close() {
        manager.close();
    }
}
