package dev.lethe.torch.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A TorchScript module as Lethe's block: DJL's {@link PtSymbolBlock}, run in training or evaluation mode as asked, but
 * always with autograd as the caller's grad mode says. DJL's own evaluation path runs a module under libtorch's inference
 * mode, whose outputs carry no gradient and cannot enter a later autograd graph; methods need both in evaluation mode
 * (an input attack's gradient through the frozen model, a loss bound from an evaluation pass). Outside a gradient
 * collector DJL keeps grad mode off, so evaluation records nothing. Saving and loading write the module itself (graph
 * and weights), as {@link PtSymbolBlock} does.
 */
final class TorchScriptBlock extends AbstractBlock {

    private final PtSymbolBlock module;
    /** The module's mode as last set (train or eval); null before the first forward pass. */
    private Boolean trainingMode;

    TorchScriptBlock(PtSymbolBlock module) {
        this.module = addChildBlock("module", module);
    }

    /** The wrapped module, as libtorch holds it. */
    PtSymbolBlock module() {
        return module;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        if (trainingMode == null || trainingMode != training) {
            if (training) {
                JniUtils.enableTrainingMode(module); // module.train(): dropout on, batch statistics
            } else {
                JniUtils.enableInferenceMode(module); // module.eval(): dropout off, running statistics
            }
            trainingMode = training;
        }
        return IValueUtils.forward(module, inputs, true); // 'true': not under inference mode, see the class comment
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
    }
}
