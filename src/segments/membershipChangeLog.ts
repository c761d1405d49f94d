import { hasConsent } from '../consent/consent';
import type { PubSub } from '../pubsub/pubSub';
import type { JobQueue } from '../workers/queues';
import {
  segmentChannel,
  type SegmentChangeDoc,
  type SegmentChangeMessage,
  type SegmentDoc,
} from './segmentModels';
import type { SegmentMembership } from './segmentMembership';

/** One profile's memberships before and after an evaluation. */
export interface MembershipDiff {
  profileId: string;
  before: string[];
  after: string[];
  /** The subject version the changes start from: part of their ids. */
  fromVersion: number;
  /** The profile's traits now: webhooks with a purpose hear of entries only with its consent. */
  traits: Record<string, unknown>;
}

/**
 * The durable side of membership changes, shared by the writers of subjects (enrichment,
 * one profile at a time; a clustering refit, in batches). The order is what makes a retry
 * safe: changes are logged and their webhook deliveries queued before the subject is
 * written (a writer dying in between leaves the subject as it was, so its retry computes
 * the same changes, with the same ids, stored and delivered once), and subscribers hear
 * of them last, once the subject shows them.
 */
export class MembershipChangeLog {
  constructor(
    private readonly deps: {
      membership: Pick<SegmentMembership, 'recordChanges' | 'forgetChanges'>;
      queues: Pick<JobQueue, 'deliver'>;
      pubsub: PubSub;
    },
  ) {}

  /** Logs every change of `diffs` and queues its webhook deliveries; returns the changes. */
  async record(
    diffs: MembershipDiff[],
    at: Date,
    reason: string,
    segments: SegmentDoc[],
  ): Promise<SegmentChangeDoc[]> {
    const changes = await this.log(diffs, at, reason);
    await this.deliver(changes, diffs, segments);
    return changes;
  }

  /** Logs every change of `diffs` (each once, by its id); returns the changes. */
  async log(diffs: MembershipDiff[], at: Date, reason: string): Promise<SegmentChangeDoc[]> {
    const changes = diffs.flatMap((d) => changesOf(d, at, reason));
    if (changes.length > 0) await this.deps.membership.recordChanges(changes);
    return changes;
  }

  /** Queues the webhook deliveries of logged changes (each once, by change and webhook). */
  async deliver(
    changes: SegmentChangeDoc[],
    diffs: MembershipDiff[],
    segments: SegmentDoc[],
  ): Promise<void> {
    if (changes.length === 0) return;
    const traitsOf = new Map(diffs.map((d) => [d.profileId, d.traits]));
    const byId = new Map(segments.map((s) => [s._id, s]));
    await this.deps.queues.deliver(
      changes.flatMap((c) =>
        (byId.get(c.segmentId)?.webhooks ?? [])
          .filter(
            (w) =>
              !w.purpose ||
              c.change === 'left' ||
              hasConsent(traitsOf.get(c.profileId)!, w.purpose),
          )
          .map((w) => ({
            segmentId: c.segmentId,
            webhookId: w.id,
            payload: {
              id: c._id,
              type: 'segment.membership_changed' as const,
              segmentId: c.segmentId,
              segmentName: byId.get(c.segmentId)!.name,
              profileId: c.profileId,
              change: c.change,
              at: c.at.toISOString(),
              reason: c.reason,
            },
          })),
      ),
    );
  }

  /**
   * Tells every gateway's subscribers, once the subject shows the change (a subscriber that
   * reads the segment on hearing of it sees it). Redis pub/sub is fire-and-forget: the
   * change log and the webhooks are the durable record.
   */
  async announce(changes: SegmentChangeDoc[]): Promise<void> {
    await Promise.all(
      changes.map((c) => {
        const message: SegmentChangeMessage = {
          segmentId: c.segmentId,
          profileId: c.profileId,
          change: c.change,
          at: c.at.toISOString(),
          reason: c.reason,
        };
        return this.deps.pubsub.publish(segmentChannel(c.segmentId), message);
      }),
    );
  }
}

function changesOf(diff: MembershipDiff, at: Date, reason: string): SegmentChangeDoc[] {
  const { profileId, before, after, fromVersion } = diff;
  return [
    ...after
      .filter((id) => !before.includes(id))
      .map((segmentId) => ({ segmentId, change: 'entered' as const })),
    ...before
      .filter((id) => !after.includes(id))
      .map((segmentId) => ({ segmentId, change: 'left' as const })),
  ].map((c) => ({
    _id: `${profileId}:${fromVersion}:${c.segmentId}`,
    profileId,
    at,
    reason,
    ...c,
  }));
}
