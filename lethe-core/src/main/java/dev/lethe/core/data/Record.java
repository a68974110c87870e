package dev.lethe.core.data;

import java.util.Optional;

/**
 * One training example with its identity: a stable record id, the optional subject (the person or
 * source it came from), its features and its label.
 *
 * <p>The record id is what forget requests name; the subject id is what erasure requests by person
 * name. Both must be stable across loads of the same file, which is why loaders derive them from the
 * data (an id column, a file name, a row index in a fixed file), never from a random draw.
 *
 * <p>This is the row view of a classifier's data (dense features, class label); records of other
 * content (token sequences) are read through {@link RecordSet#content()} and {@link RecordSet#targets()}.
 *
 * @param id stable, unique record id
 * @param subjectId the person or source the record came from, or {@code null} when unknown
 * @param features the features, flattened in row-major order of {@link RecordSet#featureShape()}
 * @param label the class index, {@code 0 <= label < numClasses}
 */
public record Record(String id, String subjectId, float[] features, int label) {

    /** The subject id, if the record has one. */
    public Optional<String> subject() {
        return Optional.ofNullable(subjectId);
    }
}
