package dev.lethe.cli.lm;

import dev.lethe.core.store.Store;
import dev.lethe.core.store.StoreManifest;
import dev.lethe.core.text.Tokenizer;
import dev.lethe.core.text.Tokenizers;

import java.nio.file.Path;

/**
 * A store opened by an {@code lm} subcommand: it must hold a language model (a manifest that records the tokenizer of
 * its token data); a classifier's store is refused, and so is a SISA store where a command changes or generates from a
 * single model, saying which command applies.
 *
 * @param store the store
 * @param manifest its manifest when opened
 * @param tokenizer the tokenizer its model's token ids come from
 */
record LmStore(Store store, StoreManifest manifest, Tokenizer tokenizer) {

    static LmStore open(Path dir) {
        LmStore lm = openSingleOrSisa(dir);
        if (lm.manifest().usesSisa()) {
            throw new IllegalArgumentException(dir + " is a SISA store: forget from it with 'lethe forget'; 'lethe lm' works on"
                    + " single-model stores made by 'lethe lm train'");
        }
        return lm;
    }

    /** A language-model store, single model or SISA ensemble (what only reading commands, like {@code lm eval}, accept). */
    static LmStore openSingleOrSisa(Path dir) {
        Store store = Store.open(dir);
        StoreManifest manifest = store.readManifest();
        if (!manifest.dataset().holdsTokens()) {
            throw new IllegalArgumentException(dir + " holds a classifier, not a language model: use 'lethe predict', 'lethe unlearn'"
                    + " and 'lethe eval' on it ('lethe lm' works on stores made by 'lethe lm train')");
        }
        return new LmStore(store, manifest, Tokenizers.get(manifest.dataset().tokenizer()));
    }
}
