import type { Logger } from 'pino';
import type { PubSub } from '../pubsub/pubSub';
import type { JobQueue } from '../workers/queues';
import type { HealthPointDoc, SegmentHealthStore } from './healthStore';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  healthAlerts,
  stability,
  type HealthAlert,
  type HealthThresholds,
} from './segmentHealth';
import type { SegmentDefinitions } from './segmentDefinitions';
import {
  ALL_SEGMENT_ALERTS_CHANNEL,
  segmentAlertChannel,
  type AlertWebhookPayload,
  type SegmentDoc,
} from './segmentModels';
import type { SegmentMembership } from './segmentMembership';

/** What subscribers of `segmentAlert` receive. */
export interface SegmentAlertMessage extends Omit<HealthAlert, 'at'> {
  segmentId: string;
  at: string;
}

/**
 * Takes a health point of segments: the size now, the entries and exits logged since the
 * previous point, the share of members kept, and the alerts the point raises against the
 * segment's recent history (`healthAlerts`). An alert is stored on its point, published
 * to every gateway (`segmentAlert`), and delivered to the segment's webhooks, signed as
 * membership changes are. Points are taken hourly and after each refresh and refit.
 */
export class HealthRecorder {
  private readonly thresholds: HealthThresholds;

  constructor(
    private readonly deps: {
      segments: SegmentDefinitions;
      membership: SegmentMembership;
      health: SegmentHealthStore;
      pubsub: PubSub;
      queues: Pick<JobQueue, 'deliver'>;
      thresholds?: Partial<HealthThresholds>;
      logger?: Logger;
    },
  ) {
    this.thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...deps.thresholds };
  }

  /** A point of every segment (or of those `only` names) at `now`. */
  async record(
    now: Date,
    reason: string,
    only?: (segment: SegmentDoc) => boolean,
  ): Promise<HealthPointDoc[]> {
    const segments = (await this.deps.segments.list()).filter((s) => only?.(s) ?? true);
    const points: HealthPointDoc[] = [];
    for (const segment of segments) points.push(await this.recordOne(segment, now, reason));
    return points;
  }

  private async recordOne(segment: SegmentDoc, now: Date, reason: string): Promise<HealthPointDoc> {
    const { membership, health } = this.deps;
    const history = (await health.recent(segment._id, this.thresholds.window + 2)).reverse();
    const previous = history.at(-1);
    const [size, changes] = await Promise.all([
      membership.countMembers(segment._id),
      membership.countChanges(segment._id, previous?.at ?? new Date(0), now),
    ]);
    const point = { at: now, size, entered: changes.entered, exited: changes.exited };
    const alerts = healthAlerts([...history, point], this.thresholds);
    const doc: HealthPointDoc = {
      _id: `${segment._id}:${now.getTime()}`,
      segmentId: segment._id,
      ...point,
      stability: previous === undefined ? 1 : stability(previous, point),
      reason,
      alerts,
    };
    await health.insert(doc);
    if (alerts.length > 0) await this.raise(segment, alerts);
    return doc;
  }

  private async raise(segment: SegmentDoc, alerts: HealthAlert[]): Promise<void> {
    this.deps.logger?.warn({ segmentId: segment._id, alerts }, 'segment health alert');
    const webhooks = segment.webhooks ?? [];
    await this.deps.queues.deliver(
      alerts.flatMap((alert) => {
        const payload: AlertWebhookPayload = {
          id: `${segment._id}:${alert.at.getTime()}:${alert.kind}`,
          type: 'segment.alert',
          segmentId: segment._id,
          segmentName: segment.name,
          kind: alert.kind,
          at: alert.at.toISOString(),
          value: alert.value,
          median: alert.median,
          deviations: alert.deviations,
          message: alert.message,
        };
        return webhooks.map((w) => ({ segmentId: segment._id, webhookId: w.id, payload }));
      }),
    );
    for (const alert of alerts) {
      const message: SegmentAlertMessage = {
        ...alert,
        segmentId: segment._id,
        at: alert.at.toISOString(),
      };
      await this.deps.pubsub.publish(segmentAlertChannel(segment._id), message);
      await this.deps.pubsub.publish(ALL_SEGMENT_ALERTS_CHANNEL, message);
    }
  }
}
