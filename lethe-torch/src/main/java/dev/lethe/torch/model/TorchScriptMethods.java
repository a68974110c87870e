package dev.lethe.torch.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a named method of a TorchScript module (one the user exported with {@code @torch.jit.export}, such as
 * {@code features}) on one tensor, with autograd as the caller's grad mode says. DJL's public route,
 * {@code IValueUtils.runMethod}, always runs under libtorch's no-grad guard, so nothing computed through it could be
 * trained; the native call underneath takes the switch ({@code moduleRunMethod(handle, name, inputs, isTrain, ...)}),
 * but DJL keeps it package-private. This class reaches it by reflection, once, and says so plainly if a DJL version
 * renames it. Forward passes ({@code forward}) do not come here: DJL's {@code IValueUtils.forward} takes the switch.
 */
final class TorchScriptMethods {

    private static final Object LIBRARY;
    private static final Method RUN_METHOD;
    private static final Constructor<IValue> IVALUE;
    private static final RuntimeException UNAVAILABLE;

    static {
        Object library = null;
        Method run = null;
        Constructor<IValue> ivalue = null;
        RuntimeException unavailable = null;
        try {
            Class<?> type = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field lib = type.getDeclaredField("LIB");
            lib.setAccessible(true);
            library = lib.get(null);
            run = type.getDeclaredMethod("moduleRunMethod", long.class, String.class, long[].class, boolean.class, boolean.class);
            run.setAccessible(true);
            ivalue = IValue.class.getDeclaredConstructor(long.class);
            ivalue.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = new IllegalStateException("this DJL PyTorch engine has no trainable route to a TorchScript module's"
                    + " methods (PyTorchLibrary.moduleRunMethod): run the module as one opaque layer (drop its features/classify"
                    + " methods) or use the DJL version Lethe pins", e);
        }
        LIBRARY = library;
        RUN_METHOD = run;
        IVALUE = ivalue;
        UNAVAILABLE = unavailable;
    }

    private TorchScriptMethods() {
    }

    /** The names of the module's methods ({@code forward} and every exported one). */
    static List<String> names(PtSymbolBlock module) {
        return Arrays.asList(JniUtils.getMethodNames(module));
    }

    /** {@code module.<method>(input)}, its single tensor result in {@code manager}. */
    static NDArray run(PtSymbolBlock module, String method, NDArray input, NDManager manager) {
        if (UNAVAILABLE != null) {
            throw UNAVAILABLE;
        }
        try (IValue in = IValue.from((PtNDArray) input)) {
            long handle = (long) RUN_METHOD.invoke(LIBRARY, module.getHandle(), method, new long[]{in.getHandle()}, true, false);
            try (IValue out = IVALUE.newInstance(handle)) {
                if (!out.isTensor()) {
                    throw new IllegalArgumentException("the module's method " + method + " returns " + out.getType()
                            + "; Lethe needs one tensor from it");
                }
                return out.toTensor((PtNDManager) manager);
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot run the module's method " + method + ": " + e.getMessage(), e);
        }
    }
}
