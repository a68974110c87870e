package dev.lethe.core.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level tokens: a text is its UTF-8 bytes, id = byte value (0–255). Nothing to fit or store, every
 * string is representable, and concatenation commutes with encoding; the price is about 4× more
 * positions than a subword tokenizer for English, which the small models trained here can afford
 * (see ../shared/lm-probe.md: a 640-byte context holds every TOFU question–answer pair).
 */
public final class ByteTokenizer implements Tokenizer {

    public static final String NAME = "bytes";

    /** The one instance: the tokenizer holds no state. */
    public static final ByteTokenizer INSTANCE = new ByteTokenizer();

    private ByteTokenizer() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int vocabularySize() {
        return 256;
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    @Override
    public String decode(int[] tokens) {
        byte[] bytes = new byte[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] > 255) {
                throw new IllegalArgumentException("token " + tokens[i] + " at position " + i + " is not a byte (0-255)");
            }
            bytes[i] = (byte) tokens[i];
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("UTF-8 decoding with replacement cannot fail", e);
        }
    }
}
