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
import {
  runClustering,
  storedSubjects,
  type PreviousRun,
  type SubjectStream,
} from '../clustering/clusteringRun';
import { scalerOf } from '../clustering/featureScaling';
import { ruleWithConsent } from '../consent/consent';
import { newId } from '../ids';
import type { PubSub } from '../pubsub/pubSub';
import { evaluateMemberships } from '../segments/evaluate';
import type { HealthRecorder } from '../segments/healthRecorder';
import { MembershipChangeLog } from '../segments/membershipChangeLog';
import type { SegmentDefinitions } from '../segments/segmentDefinitions';
import type { SegmentDoc } from '../segments/segmentModels';
import type { SegmentMembership } from '../segments/segmentMembership';
import type { JobQueue } from './queues';

/** Profiles re-assigned per read, log and write. */
const MOVE_BATCH = 1_000;

/** Lower-case ULIDs: cluster ids go into field paths and segment ids (a-z, 0-9, -). */
const newClusterId = (): string => newId().toLowerCase();

/**
 * One refit of a clustering (the `clustering` queue's job): fits on a sample, assigns
 * every profile, keeps cluster ids across runs, writes the cluster segments and the model
 * enrichment assigns with between refits, then re-assigns every profile whose cluster
 * changed, in bulk, logging and announcing each entry and exit as enrichment does for
 * rule segments. A cluster with no continuation is retired: its segment stays until the
 * next run so its members' exits are heard, then it is deleted.
 */
export class ClusteringProcessor {
  private readonly changeLog: MembershipChangeLog;

  constructor(
    private readonly deps: {
      clusterings: ClusteringDefinitions;
      segments: SegmentDefinitions;
      membership: SegmentMembership;
      queues: JobQueue;
      pubsub: PubSub;
      /** Takes a health point of the clustering's segments after each refit. */
      health?: HealthRecorder;
      logger?: Logger;
      now?: () => Date;
    },
  ) {
    this.changeLog = new MembershipChangeLog(deps);
  }

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
    const { stream, stored } = notingStoredClusters(
      storedSubjects(this.deps.membership, undefined, clustering.purpose),
      clustering._id,
    );
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
    const moved = [...result.assignments].filter(([id, cluster]) => stored.get(id) !== cluster);
    await this.move(clustering._id, moved, run._id, now);
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
    await this.deps.health?.record(
      this.deps.now?.() ?? new Date(),
      `clustering ${clustering._id} refit`,
      (s) => s.cluster?.clusteringId === clustering._id,
    );
    this.deps.logger?.info(
      { clusteringId: clustering._id, k: result.k, reassigned: moved.length },
      'clustering refitted',
    );
    return finished;
  }

  /**
   * Re-assigns the profiles whose cluster changed, in batches, as enrichment would one by
   * one: memberships evaluated again with the new cluster, changes logged and delivered
   * first, each subject written only if enrichment has not moved it on since it was read
   * (those are sent to enrichment, which assigns them by the new model), subscribers told
   * last. A retried refit finds the written ones already in place.
   */
  private async move(
    clusteringId: string,
    moved: [string, string][],
    runId: string,
    now: Date,
  ): Promise<void> {
    const { membership, segments, queues } = this.deps;
    const reason = `clustering ${clusteringId} refit`;
    const all = await segments.list();
    const known = new Set(all.map((s) => s._id));
    for (let at = 0; at < moved.length; at += MOVE_BATCH) {
      const batch = moved.slice(at, at + MOVE_BATCH);
      const subjects = await membership.getSubjects(batch.map(([id]) => id));
      const entries = batch.flatMap(([id, cluster]) => {
        const stored = subjects.get(id);
        if (stored === undefined) return []; // removed since the run read it
        const clusters = { ...stored.clusters, [clusteringId]: cluster };
        const next = { ...stored, clusters, version: stored.version + 1 };
        next.segments = evaluateMemberships(next, all, now);
        return [{ subject: next, fromVersion: stored.version }];
      });
      const diffs = entries.map(({ subject, fromVersion }) => ({
        profileId: subject._id,
        before: subjects.get(subject._id)!.segments.filter((id) => known.has(id)),
        after: subject.segments,
        fromVersion,
        traits: subject.traits,
      }));
      const changes = await this.changeLog.record(diffs, now, reason, all);
      const written = await membership.replaceSubjectsAt(runId, entries);
      const late = entries.map((e) => e.subject._id).filter((id) => !written.has(id));
      await queues.enrich(late, reason, 'bulk');
      await this.changeLog.announce(changes.filter((c) => written.has(c.profileId)));
    }
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

/**
 * The subjects, noting on the first pass each profile's stored cluster: the changed share
 * and who to re-assign are measured against what the memberships say now.
 */
function notingStoredClusters(
  subjects: SubjectStream,
  clusteringId: string,
): { stream: SubjectStream; stored: Map<string, string> } {
  const stored = new Map<string, string>();
  let firstPass = true;
  const stream = async function* () {
    for await (const item of subjects()) {
      const current = item.subject.clusters?.[clusteringId];
      if (firstPass && current !== undefined) stored.set(item.id, current);
      yield item;
    }
    firstPass = false;
  };
  return { stream, stored };
}
