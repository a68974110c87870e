package dev.lethe.torch.service;

import ai.djl.Device;
import dev.lethe.core.audit.AuditCheck;
import dev.lethe.core.audit.StoreAudit;
import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreException;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.torch.model.ModelHandle;
import dev.lethe.torch.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An imported TorchScript module's store keeps the module's architecture under the manifest's digest (store invariant 3). */
class ImportServiceTest {

    @TempDir
    Path dir;

    @Test
    void theKeptArchitectureIsVerifiedAgainstTheManifestAndADamagedOneIsRefused() throws IOException {
        Path module = dir.resolve("model.pt");
        try (InputStream in = ImportServiceTest.class.getResourceAsStream("/torchscript/mlp-64-10-features.pt")) {
            Files.write(module, in.readAllBytes());
        }
        Path storeDir = dir.resolve("store");
        ImportService.importModule(storeDir, DatasetRef.digits(7).load(), module, TrainConfig.defaults(1, 3), Device.cpu());

        Store store = Store.open(storeDir);
        StoreManifest manifest = store.readManifest();
        StoreManifest.ModelInfo model = manifest.model();
        assertThat(model.graphFile()).startsWith("torchscript-").endsWith(".pt");
        assertThat(model.graphSha256()).isEqualTo(Store.sha256(storeDir.resolve(model.graphFile())));
        // the kept graph is the architecture with seed-drawn weights, not the imported (trained) file
        assertThat(model.graphSha256()).isNotEqualTo(Store.sha256(module));
        assertThat(StoreAudit.run(store).checks()).filteredOn(c -> c.name().contains("architecture")).singleElement()
                .extracting(AuditCheck::passed).isEqualTo(true);
        try (ModelHandle loaded = StoredModel.loadCurrent(store, Device.cpu())) {
            assertThat(loaded.layerCount()).as("the module's feature output survives the store").isEqualTo(2);
        }

        // one flipped byte: every process that would build fresh copies from it refuses, and the audit says which file
        Path graph = storeDir.resolve(model.graphFile());
        byte[] bytes = Files.readAllBytes(graph);
        bytes[bytes.length / 2] ^= 1;
        Files.write(graph, bytes);
        assertThatThrownBy(() -> StoredModel.loadCurrent(store, Device.cpu())).isInstanceOf(StoreException.class)
                .hasMessageContaining(model.graphFile()).hasMessageContaining("architecture file is corrupt");
        assertThat(StoreAudit.run(store).checks()).filteredOn(c -> c.name().contains("architecture")).singleElement()
                .satisfies(c -> {
                    assertThat(c.passed()).isFalse();
                    assertThat(c.detail()).contains("does not match the manifest");
                });

        // and a missing one
        Files.delete(graph);
        assertThatThrownBy(() -> StoredModel.loadCurrent(store, Device.cpu())).isInstanceOf(StoreException.class)
                .hasMessageContaining("is missing");
    }
}
