package dev.lethe.torch.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A TorchScript module as Lethe's block: DJL's {@link PtSymbolBlock}, run in training or evaluation mode as asked, but
 * always with autograd as the caller's grad mode says. DJL's own evaluation path runs a module under libtorch's inference
 * mode, whose outputs carry no gradient and cannot enter a later autograd graph; methods need both in evaluation mode
 * (an input attack's gradient through the frozen model, a loss bound from an evaluation pass). Outside a gradient
 * collector DJL keeps grad mode off, so evaluation records nothing. Saving and loading write the module itself (graph
 * and weights), as {@link PtSymbolBlock} does.
 *
 * <p>A module that also exports {@code features(x)} (the representation before the head) and {@code classify(h)} (the head),
 * with {@code forward(x) == classify(features(x))}, opens up to Lethe as two layers ({@link TorchScriptFamily#layers}):
 * methods that work at an inner layer (RMU, layer reset) and linear probes then run on it.
 */
final class TorchScriptBlock extends AbstractBlock {

    /** The method that returns the representation before the head, and the one that maps it to logits. */
    static final String FEATURES = "features";
    static final String CLASSIFY = "classify";

    private final PtSymbolBlock module;
    private final int[] inputShape;
    /** The module's mode as last set (train or eval); null before the first forward pass. */
    private Boolean trainingMode;
    /** The names of the head's parameters when the module has a feature output; empty when it has none; null until known. */
    private Optional<Set<String>> head;

    TorchScriptBlock(PtSymbolBlock module, int[] inputShape) {
        this.module = addChildBlock("module", module);
        this.inputShape = inputShape.clone();
    }

    /** The wrapped module, as libtorch holds it. */
    PtSymbolBlock module() {
        return module;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        mode(training);
        return IValueUtils.forward(module, inputs, true); // 'true': not under inference mode, see the class comment
    }

    /** {@code features(x)}: the representation the head reads. Only for a module with a feature output ({@link #head()}). */
    NDArray features(NDArray inputs, boolean training) {
        mode(training);
        return TorchScriptMethods.run(module, FEATURES, inputs, inputs.getManager());
    }

    /** {@code classify(h)}: the head's logits for a representation. Only for a module with a feature output. */
    NDArray classify(NDArray features, boolean training) {
        mode(training);
        return TorchScriptMethods.run(module, CLASSIFY, features, features.getManager());
    }

    /**
     * The names of the head's parameters (as the module names them) when the module exports {@code features(x)} and
     * {@code classify(h)}; empty when it does not (an opaque module). Found once, by autograd: the parameters that
     * {@code classify(features(x).detach())} reaches on a batch of ones, in evaluation mode (running statistics untouched),
     * after which their gradients are zeroed again.
     */
    Optional<Set<String>> head() {
        if (head == null) {
            head = TorchScriptMethods.names(module).containsAll(List.of(FEATURES, CLASSIFY)) ? Optional.of(findHead()) : Optional.empty();
        }
        return head;
    }

    private Set<String> findHead() {
        if (module.getDirectParameters().isEmpty()) {
            return Set.of();
        }
        boolean gradMode = JniUtils.isGradMode();
        long[] batch = new long[inputShape.length + 1];
        batch[0] = 2;
        for (int i = 0; i < inputShape.length; i++) {
            batch[i + 1] = inputShape[i];
        }
        Set<String> names = new LinkedHashSet<>();
        List<PtNDArray> frozen = new ArrayList<>(); // a frozen copy (a method's reference model) takes gradients for this pass only
        try (NDManager scratch = module.getDirectParameters().get(0).getValue().getArray().getManager().newSubManager()) {
            JniUtils.setGradMode(true);
            for (Pair<String, Parameter> p : module.getDirectParameters()) {
                PtNDArray weights = (PtNDArray) p.getValue().getArray();
                if (!JniUtils.requiresGrad(weights)) {
                    JniUtils.attachGradient(weights, true);
                    frozen.add(weights);
                }
            }
            NDArray h = features(scratch.ones(new Shape(batch)), false).stopGradient();
            NDArray logits = classify(h, false);
            JniUtils.backward((PtNDArray) logits.sum(), (PtNDArray) scratch.ones(new Shape()), false, false);
            for (Pair<String, Parameter> p : module.getDirectParameters()) {
                PtNDArray weights = (PtNDArray) p.getValue().getArray();
                if (JniUtils.getGradient(weights) != null) {
                    names.add(p.getKey());
                    JniUtils.zeroGrad(weights);
                }
            }
        } finally {
            for (PtNDArray weights : frozen) {
                JniUtils.attachGradient(weights, false);
            }
            JniUtils.setGradMode(gradMode);
        }
        return names;
    }

    private void mode(boolean training) {
        if (trainingMode == null || trainingMode != training) {
            if (training) {
                JniUtils.enableTrainingMode(module); // module.train(): dropout on, batch statistics
            } else {
                JniUtils.enableInferenceMode(module); // module.eval(): dropout off, running statistics
            }
            trainingMode = training;
        }
    }

    /** A module arrives with its weights (loaded, or drawn by {@link TorchScriptFamily#initialize}): DJL must not initialise it. */
    @Override
    public boolean isInitialized() {
        return true;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, ai.djl.ndarray.types.DataType dataType, Shape... inputShapes) {
        // nothing to do: see isInitialized
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return module.getOutputShapes(inputShapes);
    }

    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        module.saveParameters(os);
    }

    @Override
    public void loadParameters(NDManager manager, DataInputStream is) throws IOException, MalformedModelException {
        module.loadParameters(manager, is);
        head = null; // another module now
        trainingMode = null;
    }
}
