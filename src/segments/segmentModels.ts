import type { Rule } from './rules/rule';

/** A segment definition. */
export interface SegmentDoc {
  /** Stable id: the name's slug when defined (`vip-customers`). */
  _id: string;
  name: string;
  /** The validated rule, in its internal form. */
  rule: Rule;
  /** The rule as the client sent it, shown back unchanged. */
  ruleInput: unknown;
  /** Consent purpose members must have granted (then `rule` requires it); null or absent: none. */
  purpose?: string | null;
  /** Where membership changes are delivered (signed with the webhook's secret). */
  webhooks?: WebhookDoc[];
  /** RULE (absent on segments defined before #23) or CLUSTER: one cluster of a clustering. */
  kind?: 'RULE' | 'CLUSTER';
  /** A cluster segment's cluster, as its clustering's latest run found it. */
  cluster?: ClusterOfSegment;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClusterOfSegment {
  clusteringId: string;
  clusterId: string;
  /** Its centroid in plain words against the population ("high spend, recent"). */
  description: string;
  /** Members when the run assigned them (membership moves on with enrichment). */
  size: number;
  /** In the features' original units, one per feature. */
  centroid: { feature: string; value: number }[];
  runId: string;
  /** When a run found no continuation of it: members leave as they are re-assigned. */
  retiredAt: Date | null;
}

export interface WebhookDoc {
  id: string;
  url: string;
  /** HMAC key for the signature header; never returned by the API. */
  secret: string;
  /** Entries are delivered only for profiles that granted this purpose; exits always are. */
  purpose?: string | null;
  createdAt: Date;
}

/** What a webhook receives for one membership change. */
export interface WebhookPayload {
  /** The change's id: the same on every retry, so receivers can de-duplicate. */
  id: string;
  type: 'segment.membership_changed';
  segmentId: string;
  segmentName: string;
  profileId: string;
  change: 'entered' | 'left';
  at: string;
  reason: string;
}

/** What a webhook receives when a segment's health raises an alert. */
export interface AlertWebhookPayload {
  /** `<segmentId>:<at as ms>:<kind>`: the same on every retry. */
  id: string;
  type: 'segment.alert';
  segmentId: string;
  segmentName: string;
  kind: 'SIZE' | 'CHURN';
  at: string;
  value: number;
  median: number;
  deviations: number;
  message: string;
}

export const segmentAlertChannel = (segmentId: string): string => `segment-alert:${segmentId}`;
/** Every segment's alerts, for a dashboard watching them all. */
export const ALL_SEGMENT_ALERTS_CHANNEL = 'segment-alerts';

/** One membership change, kept forever (insert-only): who entered or left, when and why. */
export interface SegmentChangeDoc {
  /** `<profileId>:<subject version it changed from>:<segmentId>`: a retried job stores it once. */
  _id: string;
  segmentId: string;
  profileId: string;
  change: 'entered' | 'left';
  at: Date;
  /** What triggered the evaluation: a profile change, a scheduled refresh, a merge … */
  reason: string;
}

export const segmentChannel = (segmentId: string): string => `segment-membership:${segmentId}`;

/** What subscribers of a segment receive (ids only; they load what they may see). */
export interface SegmentChangeMessage {
  segmentId: string;
  profileId: string;
  change: 'entered' | 'left';
  at: string;
  reason: string;
}
