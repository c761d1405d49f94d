/**
 * What a segment rule is evaluated against: a profile's merged traits (silver) and its
 * gold fields, kept on the profile document by enrichment.
 */
export interface SegmentSubject {
  traits?: Record<string, unknown>;
  /** Computed traits: RFM scores, lifetime value, `lastOrderAt` (a Date) … */
  computed?: Record<string, unknown>;
  /** Event counts per (event, window) that some segment uses, by `eventWindowKey`. */
  activity?: Record<string, unknown>;
  /** Ids of the segments the profile is a member of. */
  segments?: string[];
  /** The cluster of each clustering the profile is assigned to: clustering id → cluster id. */
  clusters?: Record<string, string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant a "within the last `days` days" window starts, for evaluation time `now`. */
export const windowStart = (now: Date, days: number): Date =>
  new Date(now.getTime() - days * DAY_MS);
