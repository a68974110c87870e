package dev.lethe.torch.model;

import java.util.Arrays;


/** Text form of a {@link ModelSpec} inside model files: {@code name|inputShape|classes}, e.g. {@code mlp:256,128|64|10}. */
final class ModelSpecCodec {

    private ModelSpecCodec() {
    }

    static String encode(ModelSpec spec) {
        return spec.name() + "|" + String.join(",", Arrays.stream(spec.inputShape()).mapToObj(String::valueOf).toList())
                + "|" + spec.numClasses();
    }

    static ModelSpec decode(String text, String source) throws CorruptModelException {
        String[] parts = text.split("\\|");
        if (parts.length != 3) {
            throw new CorruptModelException(source, "the model header '" + text + "' is not name|shape|classes");
        }
        try {
            int[] shape = Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
            return ModelSpec.parse(parts[0], shape, Integer.parseInt(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new CorruptModelException(source, "the model header '" + text + "' is invalid: " + e.getMessage());
        }
    }

}
