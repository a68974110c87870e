package dev.lethe.core.data.load;

import dev.lethe.core.data.DataFormatException;
import dev.lethe.core.data.RecordSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Loads images laid out as {@code root/<class>/<file>.jpg|.jpeg|.png} (the layout of ImageNet-style
 * folders and of our CIFAR-10 JPEG copy), from a folder or from inside a tar archive (gzip or plain).
 *
 * <p>Classes are the sub-folder names in sorted order; within a class, files are taken in sorted name
 * order, so an optional per-class limit always keeps the same first N files. Names starting with a dot
 * and files with other extensions are skipped. The record id is the id prefix followed by the path
 * relative to the root, with '/' ("train/airplane/0001.jpg").
 *
 * <p>Features are floats in [0, 1] in channel-first order: shape {@code [3, H, W]} (RGB; an alpha
 * channel is dropped and a grey image is repeated in the three channels), or {@code [1, H, W]} when
 * grayscale is asked for (grey images as stored, colour ones as luma 0.299 R + 0.587 G + 0.114 B).
 * Every image must have the size of the first one; an image of another size, or one that cannot be
 * decoded, is a {@link DataFormatException} naming its file.
 */
public final class ImageFolderLoader {

    /**
     * @param idPrefix put before every record id ("train/"); may be empty
     * @param grayscale one channel instead of three
     * @param limitPerClass keep at most this many images per class (the first in sorted order); 0 keeps all
     */
    public record Options(String idPrefix, boolean grayscale, int limitPerClass) {
        public Options {
            Objects.requireNonNull(idPrefix, "idPrefix");
            if (limitPerClass < 0) {
                throw new IllegalArgumentException("limitPerClass must be >= 0 (0 = no limit), got " + limitPerClass);
            }
        }

        /** No prefix, RGB, every image. */
        public static Options defaults() {
            return new Options("", false, 0);
        }

        public Options withIdPrefix(String value) {
            return new Options(value, grayscale, limitPerClass);
        }

        public Options withGrayscale(boolean value) {
            return new Options(idPrefix, value, limitPerClass);
        }

        public Options withLimitPerClass(int value) {
            return new Options(idPrefix, grayscale, value);
        }
    }

    private ImageFolderLoader() {
    }

    /** Loads {@code root/<class>/<image>} from a folder. */
    public static RecordSet load(Path root, String name, Options options) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DataFormatException(root, "", "is not a folder");
        }
        List<String> classes;
        try (Stream<Path> children = Files.list(root)) {
            classes = children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList();
        }
        List<Item> items = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            String className = classes.get(label);
            List<Path> files;
            try (Stream<Path> children = Files.list(root.resolve(className))) {
                files = children.filter(p -> isImageName(p.getFileName().toString()) && Files.isRegularFile(p))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).limit(options.limitPerClass() == 0 ? Long.MAX_VALUE : options.limitPerClass()).toList();
            }
            for (Path file : files) {
                String id = options.idPrefix() + className + "/" + file.getFileName();
                items.add(new Item(id, file.toString(), label, () -> Files.newInputStream(file)));
            }
        }
        return decode(root.toString(), classes, items, name, options);
    }

    /**
     * Loads {@code <folder>/<class>/<image>} entries from a tar or tar.gz archive.
     *
     * @param folder the folder inside the archive ("train"), or "" for the archive's top level
     */
    public static RecordSet loadTar(Path archive, String folder, String name, Options options) throws IOException {
        String prefix = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        TreeSet<String> classes = new TreeSet<>();
        Map<String, TreeMap<String, byte[]>> filesByClass = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Inputs.open(archive))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String path = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (!path.startsWith(prefix)) {
                    continue;
                }
                String[] parts = path.substring(prefix.length()).split("/");
                if (parts[0].isEmpty() || parts[0].startsWith(".")) {
                    continue;
                }
                if (entry.isDirectory() && parts.length == 1) {
                    classes.add(parts[0]);
                } else if (entry.isFile() && parts.length == 2 && isImageName(parts[1])) {
                    classes.add(parts[0]);
                    TreeMap<String, byte[]> files = filesByClass.computeIfAbsent(parts[0], c -> new TreeMap<>());
                    if (options.limitPerClass() > 0 && files.size() == options.limitPerClass()) {
                        if (parts[1].compareTo(files.lastKey()) > 0) {
                            continue;
                        }
                        files.pollLastEntry();
                    }
                    files.put(parts[1], tar.readAllBytes());
                }
            }
        }
        List<String> classList = List.copyOf(classes);
        List<Item> items = new ArrayList<>();
        for (int label = 0; label < classList.size(); label++) {
            String className = classList.get(label);
            for (Map.Entry<String, byte[]> file : filesByClass.getOrDefault(className, new TreeMap<>()).entrySet()) {
                String relative = className + "/" + file.getKey();
                byte[] bytes = file.getValue();
                items.add(new Item(options.idPrefix() + relative, archive + "!" + prefix + relative, label,
                        () -> new ByteArrayInputStream(bytes)));
            }
        }
        return decode(archive + "!" + prefix, classList, items, name, options);
    }

    private static boolean isImageName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return !lower.startsWith(".") && (lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png"));
    }

    /** Opens the bytes of one image. */
    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    /** One image to decode: its record id, where it is (for messages), its class, its bytes. */
    private record Item(String id, String source, int label, Opener opener) {
    }

    private static RecordSet decode(String root, List<String> classes, List<Item> items, String name, Options options)
            throws IOException {
        if (items.isEmpty()) {
            throw new DataFormatException(root, "", "holds no images laid out as <class>/<file>.jpg|.jpeg|.png");
        }
        int channels = options.grayscale() ? 1 : 3;
        String[] ids = new String[items.size()];
        int[] labels = new int[items.size()];
        float[] features = null;
        int width = 0;
        int height = 0;
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            BufferedImage image = read(item);
            if (features == null) {
                width = image.getWidth();
                height = image.getHeight();
                features = new float[Math.multiplyExact(items.size(), channels * width * height)];
            } else if (image.getWidth() != width || image.getHeight() != height) {
                throw new DataFormatException(item.source(), "", "image is " + image.getWidth() + "x" + image.getHeight()
                        + " but " + items.get(0).source() + " is " + width + "x" + height + "; all images must have one size");
            }
            writeChannels(image, options.grayscale(), features, i * channels * width * height);
            ids[i] = item.id();
            labels[i] = item.label();
        }
        return new RecordSet(name, ids, null, features, labels, new int[]{channels, height, width}, classes);
    }

    private static BufferedImage read(Item item) throws IOException {
        BufferedImage image;
        try (InputStream in = item.opener().open()) {
            try {
                image = ImageIO.read(new MemoryCacheImageInputStream(in)); // closes the image stream, not in
            } catch (IOException | RuntimeException e) {
                throw new DataFormatException(item.source(), "", "cannot decode the image (" + e.getMessage() + ")", e);
            }
        }
        if (image == null) {
            throw new DataFormatException(item.source(), "", "is not a readable JPEG or PNG image");
        }
        return image;
    }

    /** Writes the image channel-first into {@code out} from {@code offset}, values in [0, 1]. */
    private static void writeChannels(BufferedImage image, boolean grayscale, float[] out, int offset) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        Raster raster = image.getRaster();
        boolean storedGrey = raster.getNumBands() == 1
                && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        if (storedGrey) {
            float max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            float[] grey = raster.getSamples(0, 0, w, h, 0, (float[]) null);
            for (int c = 0; c < (grayscale ? 1 : 3); c++) {
                for (int p = 0; p < plane; p++) {
                    out[offset + c * plane + p] = grey[p] / max;
                }
            }
            return;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int p = 0; p < plane; p++) {
            float r = ((argb[p] >> 16) & 0xff) / 255f;
            float g = ((argb[p] >> 8) & 0xff) / 255f;
            float b = (argb[p] & 0xff) / 255f;
            if (grayscale) {
                out[offset + p] = 0.299f * r + 0.587f * g + 0.114f * b;
            } else {
                out[offset + p] = r;
                out[offset + plane + p] = g;
                out[offset + 2 * plane + p] = b;
            }
        }
    }
}
