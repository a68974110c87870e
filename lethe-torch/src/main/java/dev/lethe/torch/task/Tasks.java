package dev.lethe.torch.task;

import dev.lethe.core.data.ClassLabels;
import dev.lethe.core.data.NextTokenTargets;
import dev.lethe.core.data.RecordSet;
import dev.lethe.core.data.RecordTargets;

import java.util.List;

/** The tasks Lethe knows, and which one a record set's targets call for. */
public final class Tasks {

    private Tasks() {
    }

    /** The task that trains and scores {@code records}: decided by the kind of its targets. */
    public static Task of(RecordSet records) {
        return of(records.targets());
    }

    /** The task for targets of this kind. */
    public static Task of(RecordTargets targets) {
        if (targets instanceof ClassLabels) {
            return ClassificationTask.INSTANCE;
        }
        if (targets instanceof NextTokenTargets) {
            return NextTokenTask.INSTANCE;
        }
        // RecordTargets is sealed: a new kind of targets must be given its task here.
        throw new IllegalStateException("no task for " + targets.getClass().getSimpleName());
    }

    /** Every task, classification first. */
    public static List<Task> all() {
        return List.of(ClassificationTask.INSTANCE, NextTokenTask.INSTANCE);
    }
}
