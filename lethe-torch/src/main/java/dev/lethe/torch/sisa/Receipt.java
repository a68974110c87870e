package dev.lethe.torch.sisa;

import dev.lethe.core.store.StoreManifest;

import java.util.List;

/**
 * What Lethe tells the requester when a forget request is done: what matched (a count and a digest,
 * never the data), what was retrained, the checkpoints before and after, the time it took and the
 * model version that now serves predictions. Stored in the ledger with the request.
 *
 * @param requestId the request
 * @param kind records, subjects or label
 * @param matchedTrainRecords training records removed
 * @param matchedTestRecords held-out records removed
 * @param matchedDigest SHA-256 over the sorted matched record ids
 * @param retrained the shards that held matched records: from which slice each retrained, and its
 *                  final checkpoint (path with digest) before and after
 * @param slicesPerShard R, so "from slice k" means slices k..R-1 were retrained
 * @param modelVersion the version that applied the request
 * @param batchId the batch the request was processed in
 * @param batchRequests how many requests that batch held (each affected shard retrained once for all)
 * @param batchSeconds wall time of the batch's retraining
 * @param guarantee "exact": the served model is the one a training without the data would produce
 * @param outcome what happened, in words: the records removed, or why nothing was ("no data held about this
 *                subject", "already forgotten by req-… on DATE"); a request that matched nothing made no new version
 */
public record Receipt(String requestId, String kind, int matchedTrainRecords, int matchedTestRecords, String matchedDigest,
                      List<StoreManifest.ShardRetrain> retrained, int slicesPerShard, int modelVersion, String batchId,
                      int batchRequests, double batchSeconds, String guarantee, String outcome) {

    /** Whether the request removed anything (else no model version was made for it). */
    public boolean changedAnything() {
        return matchedTrainRecords + matchedTestRecords > 0;
    }
}
