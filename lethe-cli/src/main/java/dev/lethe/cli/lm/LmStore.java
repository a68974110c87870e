package dev.lethe.cli.lm;

import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.core.text.Tokenizers;

import java.nio.file.Path;

/**
 * A store opened by an {@code lm} subcommand: it must hold a single language model (a manifest that records the
 * tokenizer of its token data); a classifier's store or a SISA store is refused, saying which command applies.
 *
 * @param store the store
 * @param manifest its manifest when opened
 * @param tokenizer the tokenizer its model's token ids come from
 */
record LmStore(Store store, StoreManifest manifest, Tokenizer tokenizer) {

    static LmStore open(Path dir) {
        Store store = Store.open(dir);
        StoreManifest manifest = store.readManifest();
        if (!manifest.dataset().holdsTokens()) {
            throw new IllegalArgumentException(dir + " holds a classifier, not a language model: use 'lethe predict', 'lethe unlearn'"
                    + " and 'lethe eval' on it ('lethe lm' works on stores made by 'lethe lm train')");
        }
        if (manifest.usesSisa()) {
            throw new IllegalArgumentException(dir + " is a SISA store: forget from it with 'lethe forget'; 'lethe lm' works on"
                    + " single-model stores made by 'lethe lm train'");
        }
        return new LmStore(store, manifest, Tokenizers.get(manifest.dataset().tokenizer()));
    }
}
