import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLUSTERINGS_CACHE_MS,
  type ClusteringDefinitions,
} from '../clustering/clusteringDefinitions';
import {
  clusterSegmentId,
  type ClusteringDoc,
  type ClusteringModel,
  type ClusteringRunDoc,
} from '../clustering/clusteringModels';
import { runClustering, storedSubjects, type PreviousRun } from '../clustering/clusteringRun';
import { scalerOf } from '../clustering/featureScaling';
import { ruleWithConsent } from '../consent/consent';
import { newId } from '../ids';
import type { SegmentDefinitions } from '../segments/segmentDefinitions';
import type { SegmentDoc } from '../segments/segmentModels';
import type { SegmentMembership } from '../segments/segmentMembership';
import type { JobQueue } from './queues';

/** Lower-case ULIDs: cluster ids go into field paths and segment ids (a-z, 0-9, -). */
const newClusterId = (): string => newId().toLowerCase();

/**
 * One refit of a clustering (the `clustering` queue's job): fits on a sample, assigns
 * every profile, keeps cluster ids across runs, writes the cluster segments and the model
 * enrichment assigns with, then sends every profile whose cluster changed to enrichment,
 * the only writer of memberships, which records and announces each entry and exit as it
 * does for rule segments. A cluster with no continuation is retired: its segment stays
 * until the next run so its members' exits are heard, then it is deleted.
 */
export class ClusteringProcessor {
  constructor(
    private readonly deps: {
      clusterings: ClusteringDefinitions;
      segments: SegmentDefinitions;
      membership: SegmentMembership;
      queues: JobQueue;
      logger?: Logger;
      now?: () => Date;
    },
  ) {}

  async refit(clusteringId: string, reason: string): Promise<ClusteringRunDoc | null> {
    const clustering = await this.deps.clusterings.get(clusteringId);
    if (clustering === null) return null; // deleted since it was queued
    const started = this.deps.now?.() ?? new Date();
    const run: ClusteringRunDoc = {
      _id: newId(started.getTime()),
      clusteringId,
      status: 'RUNNING',
      reason,
      startedAt: started,
      finishedAt: null,
      result: null,
      error: null,
    };
    await this.deps.clusterings.putRun(run);
    try {
      return await this.fitAndApply(clustering, run, started);
    } catch (err) {
      const failed: ClusteringRunDoc = {
        ...run,
        status: 'FAILED',
        finishedAt: new Date(),
        error: err instanceof Error ? err.message : String(err),
      };
      await this.deps.clusterings.putRun(failed);
      throw err;
    }
  }

  private async fitAndApply(
    clustering: ClusteringDoc,
    run: ClusteringRunDoc,
    now: Date,
  ): Promise<ClusteringRunDoc> {
    const previousClusters = previousCentroids(clustering.model);
    const stored = new Map<string, string>();
    const subjects = storedSubjects(this.deps.membership, undefined, clustering.purpose);
    // The first pass notes each profile's stored cluster: the changed share and who to
    // re-assign are measured against what the memberships say now.
    let firstPass = true;
    const stream = async function* () {
      for await (const item of subjects()) {
        const current = item.subject.clusters?.[clustering._id];
        if (firstPass && current !== undefined) stored.set(item.id, current);
        yield item;
      }
      firstPass = false;
    };
    const previous: PreviousRun | null =
      previousClusters.length === 0 ? null : { clusters: previousClusters, assignments: stored };
    const result = await runClustering(
      stream,
      {
        features: clustering.features,
        k: clustering.k,
        seed: clustering.seed,
        sampleSize: clustering.sampleSize,
        algorithm: clustering.algorithm,
      },
      { now, newId: newClusterId, previous },
    );
    const applying = Date.now();
    const model: ClusteringModel = {
      runId: run._id,
      fittedAt: now,
      scaler: result.model.scaler,
      clusters: result.clusters.map((c, i) => ({
        id: c.id,
        segmentId: clusterSegmentId(clustering._id, c.id),
        centroid: result.model.centroids[i]!,
      })),
    };
    // Segments first, then the model: a profile enriched in between is assigned by the
    // old model to a segment that still exists, and re-assigned below.
    await this.writeSegments(clustering, result.clusters, run._id, now);
    await this.retire(clustering, result.retired, now);
    await this.deps.clusterings.setModel(clustering._id, model, now);
    // Other workers' cached lists of segments and clusterings catch up before they enrich.
    await sleep(CLUSTERINGS_CACHE_MS);
    const moved = [...result.assignments]
      .filter(([id, cluster]) => stored.get(id) !== cluster)
      .map(([id]) => id);
    await this.deps.queues.enrich(moved, `clustering ${clustering._id} refit`, 'bulk');
    const finished: ClusteringRunDoc = {
      ...run,
      status: 'SUCCEEDED',
      finishedAt: new Date(),
      result: {
        features: result.features,
        k: result.k,
        perK: result.perK,
        clusters: result.clusters.map((c) => ({
          ...c,
          segmentId: clusterSegmentId(clustering._id, c.id),
        })),
        retired: result.retired,
        changedShare: result.changedShare,
        profiles: result.profiles,
        sampled: result.sampled,
        reassigned: moved.length,
        timings: { ...result.timings, membershipMs: Date.now() - applying },
      },
    };
    await this.deps.clusterings.putRun(finished);
    this.deps.logger?.info(
      { clusteringId: clustering._id, k: result.k, reassigned: moved.length },
      'clustering refitted',
    );
    return finished;
  }

  private async writeSegments(
    clustering: ClusteringDoc,
    clusters: { id: string; size: number; centroid: number[]; description: string }[],
    runId: string,
    now: Date,
  ): Promise<void> {
    for (const cluster of clusters) {
      const segment: Omit<SegmentDoc, 'createdAt' | 'updatedAt' | 'webhooks'> = {
        _id: clusterSegmentId(clustering._id, cluster.id),
        name: `${clustering.name}: ${cluster.description}`,
        rule: ruleWithConsent(
          { inCluster: { clustering: clustering._id, cluster: cluster.id } },
          clustering.purpose,
        ),
        ruleInput: { inCluster: { clustering: clustering._id, cluster: cluster.id } },
        purpose: clustering.purpose,
        cluster: {
          clusteringId: clustering._id,
          clusterId: cluster.id,
          description: cluster.description,
          size: cluster.size,
          centroid: clustering.features.map((feature, j) => ({
            feature,
            value: cluster.centroid[j]!,
          })),
          runId,
          retiredAt: null,
        },
      };
      await this.deps.segments.putCluster(segment, now);
    }
  }

  /**
   * Marks this run's retired clusters and deletes those retired by an earlier run (their
   * members have been re-assigned since). One a rule segment still refers to is kept.
   */
  private async retire(clustering: ClusteringDoc, retired: string[], now: Date): Promise<void> {
    const mine = (await this.deps.segments.list()).filter(
      (s) => s.cluster?.clusteringId === clustering._id,
    );
    for (const segment of mine) {
      const cluster = segment.cluster!;
      if (cluster.retiredAt !== null) {
        await this.deps.segments
          .delete(segment._id, { byClustering: true })
          .catch((err: unknown) =>
            this.deps.logger?.warn({ err, segmentId: segment._id }, 'retired cluster kept'),
          );
      } else if (retired.includes(cluster.clusterId)) {
        await this.deps.segments.putCluster(
          { ...segment, cluster: { ...cluster, size: 0, retiredAt: now } },
          now,
        );
      }
    }
  }
}

/** The previous model's centroids in original units (what a run compares new ones with). */
function previousCentroids(model: ClusteringModel | null): PreviousRun['clusters'] {
  if (model === null) return [];
  const scaler = scalerOf(model.scaler);
  return model.clusters.map((c) => ({ id: c.id, centroid: scaler.unscale(c.centroid) }));
}
