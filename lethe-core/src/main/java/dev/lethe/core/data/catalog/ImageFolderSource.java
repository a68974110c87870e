package dev.lethe.core.data.catalog;

import dev.lethe.core.data.DatasetRef;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.load.ImageFolderLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code images}: a user's own image folders ({@code --dataset images --data DIR}), one sub-folder per class holding its
 * JPEG or PNG files ({@code DIR/cat/0001.jpg}), read by {@link ImageFolderLoader} as channel-first floats in [0, 1]. When
 * {@code DIR} holds {@code train/} and {@code test/}, those are the two sides; otherwise {@code --test-fraction} of the
 * images is held out. Ids are the paths below {@code DIR}.
 */
public final class ImageFolderSource implements DataSource {

    /** The source's name. */
    public static final String NAME = "images";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "your own image folders: --dataset images --data DIR, with DIR/<class>/<file>.jpg|.png (or DIR/train/<class>/… and DIR/test/<class>/…)";
    }

    @Override
    public String idFormat() {
        return "the image's path below the folder, e.g. cat/0001.jpg (train/cat/0001.jpg with train/ and test/ folders)";
    }

    @Override
    public LoadedDataset read(DatasetRef ref) throws IOException {
        if (ref.path() == null) {
            throw new IllegalArgumentException("--dataset images needs --data DIR (a folder with one sub-folder per class)");
        }
        Path root = Path.of(ref.path());
        if (!Files.isDirectory(root)) {
            throw new java.nio.file.NoSuchFileException(root.toString(), null, "no such folder of images");
        }
        ImageFolderLoader.Options options = ImageFolderLoader.Options.defaults().withLimitPerClass(ref.perClass());
        String name = root.getFileName() == null ? "images" : root.getFileName().toString();
        if (Files.isDirectory(root.resolve("train")) && Files.isDirectory(root.resolve("test"))) {
            RecordSet train = ImageFolderLoader.load(root.resolve("train"), name + "-train", options.withIdPrefix("train/"));
            RecordSet test = ImageFolderLoader.load(root.resolve("test"), name + "-test", options.withIdPrefix("test/"));
            return new LoadedDataset(train, test);
        }
        return new LoadedDataset(ImageFolderLoader.load(root, name, options), null);
    }
}
