package dev.lethe.torch.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A TorchScript module as Lethe's block: DJL's {@link PtSymbolBlock}, whose evaluation-mode outputs are copied out of
 * libtorch's inference mode. DJL runs a module's evaluation forward pass under {@code torch::InferenceMode}, and an
 * inference tensor cannot take part in a later autograd graph ("Inference tensors cannot be saved for backward"), which
 * methods need (a frozen original's outputs as targets, a loss bound from an evaluation pass). Saving and loading write
 * the module itself (graph and weights), as {@link PtSymbolBlock} does.
 */
final class TorchScriptBlock extends AbstractBlock {

    private final PtSymbolBlock module;

    TorchScriptBlock(PtSymbolBlock module) {
        this.module = addChildBlock("module", module);
    }

    /** The wrapped module, as libtorch holds it. */
    PtSymbolBlock module() {
        return module;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList outputs = module.forward(parameterStore, inputs, training, params);
        if (training) {
            return outputs;
        }
        NDList copies = new NDList(outputs.size());
        for (NDArray output : outputs) {
            copies.add(output.duplicate());
            output.close();
        }
        return copies;
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
