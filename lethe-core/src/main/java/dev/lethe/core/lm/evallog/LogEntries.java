package dev.lethe.core.lm.evallog;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small builders for the JSON shapes of an eval log, so that every metric writes them the same way. */
final class LogEntries {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LogEntries() {
    }

    /** {@code {"agg_value": aggregate, "value_by_index": items}}. */
    static ObjectNode perItem(double aggregate, ObjectNode valueByIndex) {
        ObjectNode entry = NODES.objectNode();
        entry.put("agg_value", aggregate);
        entry.set("value_by_index", valueByIndex);
        return entry;
    }

    /** {@code {"agg_value": aggregate}}. */
    static ObjectNode aggregateOnly(double aggregate) {
        ObjectNode entry = NODES.objectNode();
        entry.put("agg_value", aggregate);
        return entry;
    }

    /** {@code {"agg_value": null, "lethe_not_computed": "not computed: <reason>"}}: never a made-up number. */
    static ObjectNode notComputed(String reason) {
        ObjectNode entry = NODES.objectNode();
        entry.putNull("agg_value");
        entry.put(TofuMetricNames.NOT_COMPUTED, "not computed: " + reason);
        return entry;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
