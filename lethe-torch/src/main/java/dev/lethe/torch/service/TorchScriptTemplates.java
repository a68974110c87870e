package dev.lethe.torch.service;

import dev.lethe.core.store.AtomicFiles;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.model.ModelSpec;
import dev.lethe.torch.model.TorchScriptFamily;
import dev.lethe.torch.model.TorchScriptModules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The graph of a store's TorchScript model, kept in the store so that any later process can make fresh copies of the
 * user's architecture (a retrained reference, a SISA shard retrained from scratch by a forget): {@code torchscript-<sha256>.pt},
 * the module with its weights drawn from a seed, so that no weight trained on the data stays in it. Buffers the module
 * keeps outside its parameters (BatchNorm's running statistics) are the imported ones: DJL cannot reach them.
 */
public final class TorchScriptTemplates {

    private TorchScriptTemplates() {
    }

    /** The store file that keeps module {@code digest}'s graph. */
    public static String fileName(String digest) {
        return "torchscript-" + digest + ".pt";
    }

    /**
     * Writes the template of {@code spec}'s module into {@code store} when {@code spec} is a TorchScript model, and returns
     * the file with its digest for the manifest ({@link StoreManifest.ModelInfo#withGraph}); null for any other model.
     */
    public static StoreManifest.StoredFile keep(Store store, ModelSpec spec, long seed) throws IOException {
        if (!(spec.family() instanceof TorchScriptFamily)) {
            return null;
        }
        String name = fileName(digest(spec));
        try (ModelHandle fresh = ModelHandle.create(spec, seed)) {
            AtomicFiles.write(store.root().resolve(name), out -> TorchScriptModules.write(fresh, out));
        }
        return new StoreManifest.StoredFile(name, Store.sha256(store.root().resolve(name)));
    }

    /**
     * For a TorchScript model, makes the store's template known to this process ({@link TorchScriptModules#remember})
     * after checking it against the manifest's digest (a damaged template is refused, naming the file).
     */
    public static void remember(Store store, StoreManifest manifest) throws IOException {
        Optional<Path> template = store.verifiedGraphFile(manifest);
        if (template.isPresent()) {
            ModelSpec spec = ModelSpec.parse(manifest.model().spec(), manifest.model().inputShape(), manifest.model().numClasses());
            TorchScriptModules.remember(digest(spec), Files.readAllBytes(template.get()));
        }
    }

    private static String digest(ModelSpec spec) {
        return spec.parameters(TorchScriptFamily.ModuleDigest.class).digest();
    }
}
