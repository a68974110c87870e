package dev.lethe.torch.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Starts the PyTorch engine the way Lethe needs it (docs/ARCHITECTURE.md#djl-and-pytorch): offline, with a fixed number of
 * intra-op threads and one inter-op thread, on the device named by configuration.
 *
 * <p>The thread settings are process-wide and only take effect before the engine first loads, so
 * {@link #start(int)} must be called before any other DJL call; a second call with another thread
 * count is refused instead of silently ignored.
 */
public final class TorchRuntime {

    private static Integer startedThreads;

    private TorchRuntime() {
    }

    /**
     * Loads the engine with {@code threads} intra-op threads (0 keeps an explicit
     * {@code -Dai.djl.pytorch.num_threads}, or PyTorch's default) and returns it.
     */
    public static synchronized Engine start(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        System.setProperty("ai.djl.offline", "true");
        if (startedThreads != null) {
            if (threads != 0 && threads != startedThreads) {
                throw new IllegalStateException("the PyTorch engine already runs with " + startedThreads
                        + " threads; the thread count is process-wide and cannot change to " + threads);
            }
            return Engine.getEngine("PyTorch");
        }
        if (threads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        Engine engine = Engine.getEngine("PyTorch");
        startedThreads = threads > 0 ? threads : Integer.getInteger("ai.djl.pytorch.num_threads", 0);
        return engine;
    }

    /** The engine, started with the thread count given by system properties if not yet started. */
    public static Engine engine() {
        return start(0);
    }

    /** The PyTorch version the engine runs. */
    public static String pytorchVersion() {
        return engine().getVersion();
    }

    /**
     * The device named by a configuration string: {@code cpu}, {@code gpu} or {@code gpu:N}
     * ({@code cuda} accepted as an alias).
     */
    public static Device device(String name) {
        String n = name == null ? "cpu" : name.trim().toLowerCase(java.util.Locale.ROOT).replace("cuda", "gpu");
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (n.equals("gpu") || n.matches("gpu:\\d+")) {
            int index = n.equals("gpu") ? 0 : Integer.parseInt(n.substring(4));
            int available = engine().getGpuCount();
            if (index >= available) {
                throw new IllegalArgumentException("device '" + name + "': PyTorch sees " + available + " GPU(s). The Maven natives are"
                        + " CPU-only; set PYTORCH_LIBRARY_PATH to a libtorch 2.7.1+cu128 lib/ folder (see README, GPU), or use --device cpu");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("unknown device '" + name + "': use cpu, gpu or gpu:N");
    }
}
