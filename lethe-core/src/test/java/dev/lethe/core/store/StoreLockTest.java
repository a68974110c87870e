package dev.lethe.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class StoreLockTest {

    @Test
    void aSecondHolderWaitsUntilTheFirstReleases(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("manifest.json"), "{}");
        Store store = Store.open(dir);
        AtomicBoolean secondGotIt = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread second;
        try (StoreLock first = StoreLock.acquire(store)) {
            second = new Thread(() -> {
                started.countDown();
                try (StoreLock lock = StoreLock.acquire(store)) {
                    secondGotIt.set(true);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            second.start();
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);
            // While the first holds the lock, the second waits
            assertThat(secondGotIt).isFalse();
        }
        // Then, once released, the second takes it
        second.join(5000);
        assertThat(secondGotIt).isTrue();
    }

    @Test
    void aCopyOfAStoreHasEveryFileButTheLock(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("store");
        Files.createDirectories(root.resolve("models"));
        Files.writeString(root.resolve("manifest.json"), "{}");
        Files.writeString(root.resolve("models/model-v1.lethe-model"), "weights");
        Store store = Store.open(root);
        try (StoreLock lock = StoreLock.acquire(store)) {
            Store copy = store.copyTo(dir.resolve("copy"));
            assertThat(Files.readString(copy.root().resolve("manifest.json"))).isEqualTo("{}");
            assertThat(Files.readString(copy.root().resolve("models/model-v1.lethe-model"))).isEqualTo("weights");
            assertThat(copy.root().resolve(StoreLock.FILE_NAME)).doesNotExist();
            assertThat(root.resolve(StoreLock.FILE_NAME)).exists();
        }
    }
}
