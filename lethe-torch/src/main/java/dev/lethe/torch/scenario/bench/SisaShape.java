package dev.lethe.torch.scenario.bench;

import java.util.Locale;

/**
 * The SISA layout a scenario run compares against ({@code --sisa SxR}): S shards, R slices per shard
 * (Bourtoule et al. 2021, "Machine Unlearning").
 *
 * @param shards S, at least 1
 * @param slices R, at least 1
 */
public record SisaShape(int shards, int slices) {

    public SisaShape {
        if (shards < 1 || slices < 1) {
            throw new IllegalArgumentException("--sisa needs at least 1 shard and 1 slice, got " + shards + "x" + slices);
        }
    }

    /** Parses {@code SxR}, e.g. {@code 5x3}. */
    public static SisaShape parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                return new SisaShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--sisa takes shards x slices, e.g. 5x3; got '" + text + "'");
    }

    @Override
    public String toString() {
        return shards + "x" + slices;
    }
}
