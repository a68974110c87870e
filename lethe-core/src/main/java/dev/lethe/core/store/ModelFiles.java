package dev.lethe.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files under {@code models/} of a single-model store, and the purge of those its manifest no
 * longer justifies ("deleted means deleted", docs/ARCHITECTURE.md#the-store-and-its-invariants): after an erasure no model trained on the
 * forgotten records stays on disk. A version's side files ({@code model-vN.lethe-model.certified})
 * share its fate.
 *
 * <p>Which files are justified is a pure function of the manifest: the current version's, and an
 * earlier version's only while every version after it was made with {@link UnlearningReceipt#keepPrevious} (an
 * explicit choice for repairs, named in the receipt). Anything else — earlier versions, a model file a
 * crashed run wrote but never switched to, temporary files — is purged, so an interrupted purge is
 * finished by running it again.
 */
public final class ModelFiles {

    private ModelFiles() {
    }

    /** The model files (relative to the store) the manifest justifies keeping. */
    public static Set<String> justified(StoreManifest manifest) {
        Set<String> keep = new HashSet<>();
        List<StoreManifest.ModelVersion> newestFirst = manifest.models().stream()
                .filter(v -> v.version() <= manifest.currentVersion())
                .sorted(java.util.Comparator.comparingInt(StoreManifest.ModelVersion::version).reversed()).toList();
        // newest first: the current version, then each earlier one while the version after it kept its predecessors
        for (StoreManifest.ModelVersion v : newestFirst) {
            if (v instanceof SingleModelVersion single) {
                keep.add(single.file());
            }
            if (!keptPrevious(v)) {
                break;
            }
        }
        return keep;
    }

    private static boolean keptPrevious(StoreManifest.ModelVersion v) {
        return v instanceof SingleModelVersion single && single.unlearning() != null && single.unlearning().keptPrevious();
    }

    /** Files under {@code models/} that the manifest does not justify, relative to the store, sorted. */
    public static List<String> unjustified(Store store) throws IOException {
        return unjustified(store, store.readManifest());
    }

    /** Files under {@code models/} that {@code manifest} (current or about to be) does not justify, relative to the store, sorted. */
    public static List<String> unjustified(Store store, StoreManifest manifest) throws IOException {
        Set<String> keep = justified(manifest);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(store.modelsDir())) {
            return out;
        }
        try (Stream<Path> files = Files.list(store.modelsDir())) {
            for (Path p : files.sorted().toList()) {
                String rel = store.root().relativize(p).toString().replace('\\', '/');
                boolean ok = keep.stream().anyMatch(k -> rel.equals(k) || rel.startsWith(k + "."));
                if (!ok) {
                    out.add(rel);
                }
            }
        }
        return out;
    }

    /** Deletes every unjustified file and returns what was deleted (relative to the store). */
    public static List<String> purge(Store store) throws IOException {
        List<String> deleted = unjustified(store);
        for (String rel : deleted) {
            Path p = store.root().resolve(rel);
            if (Files.isDirectory(p)) {
                throw new StoreException(p + " is a folder inside models/: remove it by hand");
            }
            Files.deleteIfExists(p);
        }
        if (!deleted.isEmpty()) {
            AtomicFiles.fsyncDirectory(store.modelsDir());
        }
        return deleted;
    }
}
