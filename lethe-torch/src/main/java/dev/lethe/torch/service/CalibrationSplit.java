package dev.lethe.torch.service;

import dev.lethe.core.data.RecordSet;
import dev.lethe.core.seed.Seeds;

/**
 * A store's test split in two halves by record id: the records a method's strength may be chosen on (the validation
 * records of {@link dev.lethe.torch.method.StrengthCalibration}), and the records no choice ever saw, which {@code lethe
 * eval} reports on beside the whole split. Without it, the test accuracy after a calibrated run would be partly the
 * calibration's own choice: it picked the value that kept those very records within 2 points.
 *
 * <p>A record's half depends on its id alone (a draw hashed from the id, as the scenarios choose records), so it is the
 * same in every run, whatever earlier requests left out of the split and in whatever order the records come.
 */
public final class CalibrationSplit {

    /** The draw's seed: fixed, so that a record's half never changes. */
    private static final long SPLIT = Seeds.derive(0, "calibration-split");

    private CalibrationSplit() {
    }

    /** Whether the record with this id is in the half a strength may be chosen on. */
    public static boolean forCalibration(String recordId) {
        return Seeds.unitInterval(SPLIT ^ Seeds.hash(recordId)) < 0.5;
    }

    /** The records of {@code test} a strength may be chosen on, in their order. */
    public static RecordSet calibration(RecordSet test) {
        return test.filter(test.name() + "/calibration", i -> forCalibration(test.id(i)));
    }

    /** The records of {@code test} no strength is chosen on, in their order. */
    public static RecordSet unseen(RecordSet test) {
        return test.filter(test.name() + "/unseen-by-calibration", i -> !forCalibration(test.id(i)));
    }
}
