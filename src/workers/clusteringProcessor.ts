import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLUSTERINGS_CACHE_MS,
  type ClusteringDefinitions,
} from '../clustering/clusteringDefinitions';
import {
  centroidByFeature,
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
import { assignClusters } from '../clustering/clusterAssignment';
import { scalerOf } from '../clustering/featureScaling';
import type { SegmentSubjectDoc } from '../store/models';
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

/** How long a refit holds its clustering (a worker that died frees it after this). */
const REFIT_LEASE_MS = 30 * 60_000;

/** Profiles re-assigned per read, log and write. */
const MOVE_BATCH = 1_000;

/** Lower-case ULIDs: cluster ids go into field paths and segment ids (a-z, 0-9, -). */
const newClusterId = (): string => newId().toLowerCase();

/**
 * One refit of a clustering (the `clustering` queue's job): fits on a sample, assigns
 * every profile, keeps cluster ids across runs, writes the cluster segments and the model
 * enrichment assigns with between refits, then re-assigns every profile whose cluster
 * changed, in bulk, logging and announcing each entry and exit as enrichment does for
 * rule segments. A cluster with no continuation is retired: its segment stays, so its
 * members' exits are heard, and a later run deletes it once it is empty.
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

  /** Null when it did not run: another refit of it holds the lease, or it is gone. */
  async refit(clusteringId: string, reason: string): Promise<ClusteringRunDoc | null> {
    const { clusterings, logger } = this.deps;
    const started = this.deps.now?.() ?? new Date();
    // One refit of a clustering at a time, whichever worker and whatever asked (a schedule's
    // job is not deduplicated with an on-demand one).
    const lease = new Date(started.getTime() + REFIT_LEASE_MS);
    if (!(await clusterings.claimRefit(clusteringId, lease, started))) {
      logger?.info({ clusteringId }, 'clustering refit skipped: another is running');
      return null;
    }
    try {
      const clustering = await clusterings.get(clusteringId);
      if (clustering === null) return null; // deleted since
      const finished = await this.runOnce(clustering, reason, started);
      // Its health point after the run: a failure here must not undo a refit that succeeded.
      await this.deps.health
        ?.record(
          this.deps.now?.() ?? new Date(),
          `clustering ${clustering._id} refit`,
          (s) => s.cluster?.clusteringId === clustering._id,
        )
        .catch((err: unknown) => logger?.warn({ err, clusteringId }, 'health point failed'));
      return finished;
    } finally {
      await clusterings.releaseRefit(clusteringId);
    }
  }

  private async runOnce(
    clustering: ClusteringDoc,
    reason: string,
    started: Date,
  ): Promise<ClusteringRunDoc> {
    const clusteringId = clustering._id;
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
    // Deleted while it ran: its segments must not come back.
    if ((await this.deps.clusterings.get(clustering._id)) === null)
      throw new Error(`clustering ${clustering._id} was deleted during its run`);
    await this.writeSegments(clustering, result.clusters, run._id, now);
    await this.retire(clustering, result.retired, now);
    // The model after the segments: a profile enriched in between is assigned by the old
    // model to a segment that still exists, and re-assigned below.
    await this.deps.clusterings.setModel(clustering._id, model, now);
    // Other workers' cached lists of segments and clusterings catch up before they enrich.
    await sleep(CLUSTERINGS_CACHE_MS);
    const moved = [...result.assignments]
      .filter(([id, cluster]) => stored.get(id) !== cluster)
      .map(([id]) => id);
    const reassigned = await this.move({ ...clustering, model }, moved, run._id);
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
        reassigned,
        timings: { ...result.timings, membershipMs: Date.now() - applying },
      },
    };
    await this.deps.clusterings.putRun(finished);
    this.deps.logger?.info(
      { clusteringId: clustering._id, k: result.k, reassigned },
      'clustering refitted',
    );
    return finished;
  }

  /**
   * Re-assigns the profiles whose cluster changed, in batches, as enrichment would one by
   * one. Each profile's cluster is computed again from its subject as read now, under the
   * new model (its features may have moved since the run read them, or its consent been
   * withdrawn); its memberships are evaluated again and the changes logged; the subject is
   * written unless enrichment moved it on since it was read; then only the written
   * profiles' changes are delivered and announced, and the others' are forgotten (those
   * profiles go to enrichment, which assigns them itself). A refit dying between a batch's
   * write and its deliveries leaves those changes logged but not delivered. Returns how
   * many subjects it wrote.
   */
  private async move(clustering: ClusteringDoc, moved: string[], runId: string): Promise<number> {
    const { membership, segments, queues } = this.deps;
    const reason = `clustering ${clustering._id} refit`;
    const all = await segments.list();
    const known = new Set(all.map((s) => s._id));
    let reassigned = 0;
    for (let at = 0; at < moved.length; at += MOVE_BATCH) {
      const now = this.deps.now?.() ?? new Date();
      const subjects = await membership.getSubjects(moved.slice(at, at + MOVE_BATCH));
      const entries = [...subjects.values()].flatMap((stored) => {
        const next = { ...stored, clusters: clustersUnder(clustering, stored, now) };
        next.segments = evaluateMemberships(next, all, now);
        return next.clusters[clustering._id] === stored.clusters?.[clustering._id]
          ? []
          : [{ subject: { ...next, version: stored.version + 1 }, fromVersion: stored.version }];
      });
      const diffs = entries.map(({ subject, fromVersion }) => ({
        profileId: subject._id,
        before: subjects.get(subject._id)!.segments.filter((id) => known.has(id)),
        after: subject.segments,
        fromVersion,
        traits: subject.traits,
      }));
      const changes = await this.changeLog.log(diffs, now, reason);
      const written = await membership.replaceSubjectsAt(runId, entries);
      reassigned += written.size;
      const took = changes.filter((c) => written.has(c.profileId));
      const late = entries.map((e) => e.subject._id).filter((id) => !written.has(id));
      await membership.forgetChanges(
        changes.filter((c) => !written.has(c.profileId)).map((c) => c._id),
      );
      await queues.enrich(late, reason, 'bulk');
      await this.changeLog.deliver(took, diffs, all);
      await this.changeLog.announce(took);
    }
    return reassigned;
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
          centroid: centroidByFeature(clustering.features, cluster.centroid),
          runId,
          retiredAt: null,
        },
      };
      await this.deps.segments.putCluster(segment, now);
    }
  }

  /**
   * Marks this run's retired clusters and deletes those retired by an earlier run once
   * they are empty. One a rule segment still refers to is kept.
   */
  private async retire(clustering: ClusteringDoc, retired: string[], now: Date): Promise<void> {
    const mine = (await this.deps.segments.list()).filter(
      (s) => s.cluster?.clusteringId === clustering._id,
    );
    for (const segment of mine) {
      const cluster = segment.cluster!;
      if (cluster.retiredAt !== null) {
        // Members not re-assigned yet (a failed run, profiles waiting for enrichment) still
        // have their exits to be heard: the segment goes once it is empty.
        if ((await this.deps.membership.countMembers(segment._id)) > 0) continue;
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

/** A subject's clusters with this clustering's as the (new) model assigns it now. */
function clustersUnder(
  clustering: ClusteringDoc,
  subject: SegmentSubjectDoc,
  now: Date,
): Record<string, string> {
  const clusters = { ...subject.clusters };
  delete clusters[clustering._id];
  return { ...clusters, ...assignClusters([clustering], subject, now) };
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
