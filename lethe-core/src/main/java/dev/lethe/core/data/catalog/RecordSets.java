package dev.lethe.core.data.catalog;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.load.RecordIds;

/** Small transformations the catalogue applies after loading. */
final class RecordSets {

    private RecordSets() {
    }

    /** The same records with ids {@code prefix-NNNN} by position. */
    static RecordSet withIndexedIds(RecordSet set, String prefix) {
        String[] ids = new String[set.size()];
        for (int i = 0; i < set.size(); i++) {
            ids[i] = RecordIds.indexed(prefix, i, set.size());
        }
        return new RecordSet(set.name(), ids, subjects(set), set.featuresView(), set.labels(), set.featureShape(), set.classNames());
    }

    private static String[] subjects(RecordSet set) {
        String[] subjects = new String[set.size()];
        for (int i = 0; i < set.size(); i++) {
            subjects[i] = set.subject(i);
        }
        return subjects;
    }
}
