package dev.lethe.torch.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.lethe.torch.model.ModelHandle;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The update rule and its state (momentum buffers, Adam moments, update count) for one model.
 *
 * <p>Lethe keeps this state itself rather than in DJL's {@code Optimizer}, whose buffers are private:
 * an exact-unlearning checkpoint must hold the optimizer state so that training continues bit for bit
 * (docs/ARCHITECTURE.md#exact-unlearning-sisa), so the state has to be readable and writable. The arithmetic is PyTorch's own fused
 * update kernels, reached through DJL's {@code NDArrayEx.sgdUpdate} / {@code adamUpdate} — the same
 * calls DJL's {@code Sgd} and {@code Adam} make.
 *
 * <p>SGD: {@code v ← μ·v − η·(g + λ·w); w ← w + v} (plain {@code w ← w − η·(g + λ·w)} when μ = 0).
 * Adam (Kingma and Ba 2015): {@code m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * w ← w − η·√(1−β2^t)/(1−β1^t) · m/(√v + ε)}, with β1 = 0.9, β2 = 0.999, ε = 1e-8 and L2 decay λ.
 * AdamW (Loshchilov and Hutter 2019): the same step after the decoupled decay {@code w ← w − η·λ·w}, as
 * PyTorch's {@code AdamW} does it; the PyTorch engine's {@code adamUpdate} does exactly this when its
 * {@code adamw} flag is set (and leaves λ out of the gradient).
 * After each update the gradients are zeroed (the PyTorch engine accumulates them otherwise).
 *
 * <p>Masks (optional, {@link #apply(ModelHandle, float, NDManager, Map)}): a 0/1 array per parameter
 * name, of the parameter's shape. An entry with mask 0 is frozen: its gradient is zeroed before the
 * update and its value before the update is restored after it, so neither momentum, Adam's moments
 * nor weight decay can move it ({@code w ← m ⊙ w' + (1 − m) ⊙ w}, exact in floating point for 0/1
 * masks). Pruning freezes entries it has set to 0 (they stay exactly 0); saliency masks freeze the
 * entries outside the salient set. Parameters without a mask update as usual.
 */
public final class OptimizerState implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;
    /** A negative clip bound tells the native kernels not to clip (it saves a pass over every tensor). */
    private static final float NO_CLIPPING = -1f;

    private final OptimizerKind kind;
    private final float momentum;
    private final float weightDecay;
    private final NDManager manager;
    private final List<NDArray> first = new ArrayList<>();
    private final List<NDArray> second = new ArrayList<>();
    private long updates;

    private OptimizerState(OptimizerKind kind, float momentum, float weightDecay, NDManager manager) {
        this.kind = kind;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.manager = manager;
    }

    /** Fresh state (zero buffers, no updates yet) for {@code model} under {@code config}. */
    public static OptimizerState create(TrainConfig config, ModelHandle model) {
        OptimizerState state = new OptimizerState(config.optimizer(), config.momentum(), config.weightDecay(),
                model.manager().newSubManager());
        for (Pair<String, Parameter> p : model.parameters()) {
            NDArray w = p.getValue().getArray();
            if (state.kind.isAdam()) {
                state.first.add(state.manager.zeros(w.getShape(), w.getDataType()));
                state.second.add(state.manager.zeros(w.getShape(), w.getDataType()));
            } else if (state.momentum > 0) {
                state.first.add(state.manager.zeros(w.getShape(), w.getDataType()));
            }
        }
        return state;
    }

    public OptimizerKind kind() {
        return kind;
    }

    /** How many updates this state has applied. */
    public long updates() {
        return updates;
    }

    /**
     * Applies one update with learning rate {@code learningRate} from the gradients currently held by
     * the model's parameters, then zeroes them. Temporary arrays go to {@code scratch}.
     */
    public void apply(ModelHandle model, float learningRate, NDManager scratch) {
        apply(model, learningRate, scratch, Map.of());
    }

    /**
     * {@link #apply(ModelHandle, float, NDManager)} with {@code masks} (parameter name → 0/1 array of
     * the parameter's shape): entries with mask 0 keep their value (see the class comment).
     */
    public void apply(ModelHandle model, float learningRate, NDManager scratch, Map<String, NDArray> masks) {
        updates++;
        List<Pair<String, Parameter>> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            NDArray weight = params.get(i).getValue().getArray();
            NDArray grad = weight.getGradient();
            grad.attach(scratch);
            NDArray mask = masks.get(params.get(i).getKey());
            NDArray frozen = null;
            if (mask != null) {
                grad.muli(mask);
                // the frozen part, (1 − m) ⊙ w, restored after the update
                frozen = weight.duplicate();
                frozen.attach(scratch);
                frozen.muli(scratch.ones(mask.getShape(), mask.getDataType()).subi(mask));
            }
            NDList weights = new NDList(weight);
            if (kind.isAdam()) {
                float corrected = (float) (learningRate * Math.sqrt(1 - Math.pow(BETA2, updates)) / (1 - Math.pow(BETA1, updates)));
                weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, first.get(i), second.get(i)), weights,
                        learningRate, corrected, weightDecay, 1f, NO_CLIPPING, BETA1, BETA2, EPSILON, true, kind == OptimizerKind.ADAMW);
            } else if (momentum > 0) {
                weight.getNDArrayInternal().sgdUpdate(new NDList(weight, grad, first.get(i)), weights,
                        learningRate, weightDecay, 1f, NO_CLIPPING, momentum, true);
            } else {
                weight.getNDArrayInternal().sgdUpdate(new NDList(weight, grad), weights,
                        learningRate, weightDecay, 1f, NO_CLIPPING, 0f, true);
            }
            if (mask != null) {
                weight.muli(mask).addi(frozen);
            }
            grad.subi(grad);
        }
    }

    /** Checks that every mask names a parameter of {@code model} and has its shape and data type. */
    public static void checkMasks(ModelHandle model, Map<String, NDArray> masks) {
        Map<String, NDArray> weights = new java.util.LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.parameters()) {
            weights.put(p.getKey(), p.getValue().getArray());
        }
        for (Map.Entry<String, NDArray> e : masks.entrySet()) {
            NDArray w = weights.get(e.getKey());
            if (w == null) {
                throw new IllegalArgumentException("a mask names parameter '" + e.getKey() + "', which the model does not have; parameters: "
                        + String.join(", ", weights.keySet()));
            }
            NDArray m = e.getValue();
            if (!w.getShape().equals(m.getShape()) || w.getDataType() != m.getDataType()) {
                throw new IllegalArgumentException("the mask of parameter '" + e.getKey() + "' is " + m.getDataType() + " " + m.getShape()
                        + "; it must be " + w.getDataType() + " " + w.getShape() + ", like the parameter");
            }
        }
    }

    /** Writes the state (kind, hyper-parameters, update count, buffers) for a checkpoint. */
    public void write(DataOutputStream out) throws IOException {
        out.writeUTF(kind.name());
        out.writeFloat(momentum);
        out.writeFloat(weightDecay);
        out.writeLong(updates);
        out.writeInt(first.size());
        out.writeInt(second.size());
        for (NDArray a : first) {
            writeArray(out, a);
        }
        for (NDArray a : second) {
            writeArray(out, a);
        }
    }

    /** Reads state written by {@link #write} for {@code model}. */
    public static OptimizerState read(DataInputStream in, ModelHandle model) throws IOException {
        OptimizerKind kind = OptimizerKind.valueOf(in.readUTF());
        OptimizerState state = new OptimizerState(kind, in.readFloat(), in.readFloat(), model.manager().newSubManager());
        state.updates = in.readLong();
        int nFirst = in.readInt();
        int nSecond = in.readInt();
        for (int i = 0; i < nFirst; i++) {
            state.first.add(readArray(in, state.manager));
        }
        for (int i = 0; i < nSecond; i++) {
            state.second.add(readArray(in, state.manager));
        }
        return state;
    }

    private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        byte[] encoded = a.encode();
        out.writeInt(encoded.length);
        out.write(encoded);
    }

    private static NDArray readArray(DataInputStream in, NDManager manager) throws IOException {
        byte[] encoded = new byte[in.readInt()];
        in.readFully(encoded);
        return manager.decode(encoded);
    }

    @Override
    public void close() {
        manager.close();
    }
}
