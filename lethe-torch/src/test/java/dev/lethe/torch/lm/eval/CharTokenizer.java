package dev.lethe.torch.lm.eval;

import dev.lethe.core.text.Tokenizer;

/** A test tokenizer over a small alphabet: one token per character, its index in the alphabet (a small vocabulary to check maths by hand). */
public record CharTokenizer(String alphabet) implements Tokenizer {

    @Override
    public String name() {
        return "chars";
    }

    @Override
    public int vocabularySize() {
        return alphabet.length();
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = alphabet.indexOf(text.charAt(i));
            if (ids[i] < 0) {
                throw new IllegalArgumentException("'" + text.charAt(i) + "' is not in the test alphabet");
            }
        }
        return ids;
    }

    @Override
    public String decode(int[] tokens) {
        StringBuilder text = new StringBuilder();
        for (int t : tokens) {
            text.append(alphabet.charAt(t));
        }
        return text.toString();
    }
}
