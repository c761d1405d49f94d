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
  createdAt: Date;
  updatedAt: Date;
}

/** One membership change, kept forever (insert-only): who entered or left, when and why. */
export interface SegmentChangeDoc {
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
  size: number | null;
}
