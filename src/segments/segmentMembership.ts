import type { SegmentSubjectDoc } from '../store/models';
import type { Rule } from './rules/rule';
import type { SegmentChangeDoc } from './segmentModels';

/**
 * Who is in which segment: the segment subjects (one per live profile, what rules run
 * against, with its memberships) and the log of membership changes. Subjects are written
 * only by enrichment, one job per profile at a time, each write one whole document. Reads
 * by profile are look-ups by `_id`; reads by segment filter on other fields (indexable on
 * MongoDB, scans on FerretDB's SQLite backend), so they serve reads of one segment and
 * the scheduled refresh, not per-profile work.
 */
export interface SegmentMembership {
  /** Subjects by profile id, batched; the map holds only the subjects that exist. */
  getSubjects(profileIds: string[]): Promise<Map<string, SegmentSubjectDoc>>;
  getSubject(profileId: string): Promise<SegmentSubjectDoc | null>;
  /** Writes the profile's subject whole, creating it when absent. */
  putSubject(profileId: string, subject: Omit<SegmentSubjectDoc, '_id'>): Promise<void>;
  deleteSubject(profileId: string): Promise<void>;
  /**
   * Writes each subject whole (a clustering refit's bulk re-assignment), carrying
   * `assignedBy: writer`. Enrichment, the per-profile writer, may have moved a subject on
   * since it was read at `fromVersion`: returns the ids written over that version; the
   * others are left as enrichment wrote them (MongoDB: a guarded replace; FerretDB:
   * replaced by `_id`, checked after and put back), and the caller sends them to enrichment.
   */
  replaceSubjectsAt(
    writer: string,
    entries: { subject: SegmentSubjectDoc; fromVersion: number }[],
  ): Promise<Set<string>>;
  /**
   * Every subject in profile-id order, with its computed traits and clusters only, as one cursor read
   * in batches: a clustering run reads every profile this way. (Pages of `_id > last`
   * cost a scan each on FerretDB's SQLite backend: 20,000 subjects took 12.9 s in pages
   * of 1,000 against 1.2 s through one cursor.)
   */
  computedInIdOrder(
    batchSize: number,
    /** Only the subjects of profiles that granted this purpose. */
    options?: { consentPurpose?: string | null },
  ): AsyncIterable<Pick<SegmentSubjectDoc, '_id' | 'computed' | 'clusters'>>;

  countMembers(segmentId: string): Promise<number>;
  /** Member profile ids in id order after `afterId`, at most `limit`. */
  memberIds(segmentId: string, afterId: string | null, limit: number): Promise<string[]>;
  /** Every member's profile id (a full refresh compares them with the rule's answer). */
  allMemberIds(segmentId: string): Promise<Set<string>>;
  /** Ids of the subjects the rule selects at `now`, as evaluated by the store. */
  idsMatching(rule: Rule, now: Date): Promise<Set<string>>;

  /** Stores each change unless stored already: a retried job computes the same ids. */
  recordChanges(changes: SegmentChangeDoc[]): Promise<void>;
  /** Removes logged changes that never took effect (a bulk write that lost its guard). */
  forgetChanges(ids: string[]): Promise<void>;
  /** A segment's entries and exits logged in (after, until]: a health point's churn. */
  countChanges(
    segmentId: string,
    after: Date,
    until: Date,
  ): Promise<{ entered: number; exited: number }>;
  /** A segment's latest changes, newest first. */
  recentChanges(segmentId: string, limit: number): Promise<SegmentChangeDoc[]>;
}
