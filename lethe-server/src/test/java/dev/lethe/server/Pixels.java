package dev.lethe.server;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;

/** Pixel counts on rendered images, for tests that check a picture shows data rather than that it exists. */
final class Pixels {

    /** More pixels of a series colour than a legend swatch has: a bar is drawn. */
    static final int BAR = 300;

    private Pixels() {
    }

    /** Pixels within 12 of {@code colour} on every channel (browsers may shift colours slightly). */
    static int count(BufferedImage image, Color colour) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                Color c = new Color(image.getRGB(x, y));
                if (Math.abs(c.getRed() - colour.getRed()) <= 12 && Math.abs(c.getGreen() - colour.getGreen()) <= 12
                        && Math.abs(c.getBlue() - colour.getBlue()) <= 12) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The number of distinct RGB values. */
    static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return colours.size();
    }

    /** The share of pixels that are not near-white. */
    static double nonWhiteShare(BufferedImage image) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 240 || ((rgb >> 8) & 0xff) < 240 || (rgb & 0xff) < 240) {
                    n++;
                }
            }
        }
        return n / (double) ((long) image.getWidth() * image.getHeight());
    }
}
