import DataLoader from 'dataloader';
import type { Collection } from 'mongodb';
import { badInput } from '../errors';
import type { PersonalTraits } from '../profiles/personalTraits';
import type { SegmentSubjectDoc } from '../store/models';
import { getByIds } from '../store/mongo/mongoIdentityGraphStore';
import { comparesPersonalTraits } from './rules/rule';
import type { SegmentChangeDoc, SegmentDoc } from './segmentModels';
import type { SegmentStore } from './segmentStore';

const MAX_PAGE = 100;

/** A segment's size as one caller may see it. */
export interface VisibleSize {
  /** Exact, or 0 when the exact size is below the privacy floor for this caller. */
  size: number;
  /** True when a size from 1 to the floor minus one was reported as 0. */
  suppressed: boolean;
}

/**
 * The k-anonymity floor on segment sizes: for a caller who may not see personal data, a
 * segment whose rule compares personal traits (`comparesPersonalTraits`) shows no size
 * from 1 to `sizeFloor - 1` (it reads 0) and no members while that small. Such a rule
 * cannot be defined by that caller now, but an admin's can, and so could anyone's before
 * its trait was learned to be personal; an exact small size would still confirm a guess.
 */
export interface SegmentPrivacy {
  personalTraits: PersonalTraits;
  /** 0 or 1: sizes are always exact. */
  sizeFloor: number;
}

/** Read side of segments for one GraphQL operation (its loaders never outlive it). */
export class SegmentReader {
  private readonly subjects: DataLoader<string, SegmentSubjectDoc | null>;
  private all: Promise<Map<string, SegmentDoc>> | null = null;
  private learned: Promise<ReadonlySet<string>> | null = null;
  private readonly sizes = new Map<string, Promise<number>>();

  constructor(
    private readonly store: SegmentStore,
    private readonly cols: {
      subjects: Collection<SegmentSubjectDoc>;
      changes: Collection<SegmentChangeDoc>;
    },
    private readonly privacy: SegmentPrivacy,
  ) {
    // The store's batched look-up by `_id` (one burst per tick, whatever the server).
    this.subjects = new DataLoader(async (ids) => {
      const found = await getByIds(cols.subjects, [...ids]);
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  private segmentsById(): Promise<Map<string, SegmentDoc>> {
    this.all ??= this.store.list().then((list) => new Map(list.map((s) => [s._id, s])));
    return this.all;
  }

  async list(): Promise<SegmentDoc[]> {
    return [...(await this.segmentsById()).values()];
  }

  async get(id: string): Promise<SegmentDoc | null> {
    return (await this.segmentsById()).get(id) ?? null;
  }

  /**
   * The profile's segments, as last evaluated by enrichment; without those whose members
   * are withheld from the caller (membership of a segment of 3 is as telling as its size).
   */
  async ofProfile(profileId: string, seesPersonal: boolean): Promise<SegmentDoc[]> {
    const subject = await this.subjects.load(profileId);
    const byId = await this.segmentsById();
    const segments = (subject?.segments ?? []).flatMap((id) => byId.get(id) ?? []);
    const withheld = await Promise.all(segments.map((s) => this.membersWithheld(s, seesPersonal)));
    return segments.filter((_, i) => !withheld[i]);
  }

  async computedTraits(profileId: string): Promise<Record<string, unknown> | null> {
    return (await this.subjects.load(profileId))?.computed ?? null;
  }

  /** The exact size (counted once per operation). */
  size(segmentId: string): Promise<number> {
    let size = this.sizes.get(segmentId);
    if (size === undefined) {
      size = this.cols.subjects.countDocuments({ segments: segmentId });
      this.sizes.set(segmentId, size);
    }
    return size;
  }

  /** The size as a caller who may (or may not) see personal data may see it. */
  async visibleSize(segment: SegmentDoc, seesPersonal: boolean): Promise<VisibleSize> {
    const size = await this.size(segment._id);
    if (
      size === 0 ||
      size >= this.privacy.sizeFloor ||
      !(await this.floored(segment, seesPersonal))
    )
      return { size, suppressed: false };
    return { size: 0, suppressed: true };
  }

  /**
   * True when the segment's members, and the changes naming them, are withheld from the
   * caller: its size is below the floor for them (0 included: who just left a segment of
   * one is who was in it).
   */
  async membersWithheld(segment: SegmentDoc, seesPersonal: boolean): Promise<boolean> {
    if (!(await this.floored(segment, seesPersonal))) return false;
    return (await this.size(segment._id)) < this.privacy.sizeFloor;
  }

  /**
   * A segment's size and whether its members are withheld, by id (for live feeds, whose
   * messages carry ids only). A segment deleted since tells a non-admin nothing.
   */
  async visibleStats(
    segmentId: string,
    seesPersonal: boolean,
  ): Promise<VisibleSize & { membersWithheld: boolean }> {
    if (seesPersonal)
      return { size: await this.size(segmentId), suppressed: false, membersWithheld: false };
    const segment = await this.get(segmentId);
    if (segment === null) return { size: 0, suppressed: false, membersWithheld: true };
    const [visible, membersWithheld] = await Promise.all([
      this.visibleSize(segment, false),
      this.membersWithheld(segment, false),
    ]);
    return { ...visible, membersWithheld };
  }

  /** Whether the size floor applies to this segment for this caller. */
  private async floored(segment: SegmentDoc, seesPersonal: boolean): Promise<boolean> {
    if (seesPersonal || this.privacy.sizeFloor <= 1) return false;
    // Fresh from the store, once per operation: a key learned a moment ago counts.
    this.learned ??= this.privacy.personalTraits.current();
    const [learned, byId] = await Promise.all([this.learned, this.segmentsById()]);
    return comparesPersonalTraits(segment.rule, { learned, ruleOf: (id) => byId.get(id)?.rule });
  }

  /** Member profile ids in id order, after `afterId`. */
  async memberIds(segmentId: string, first: number, afterId: string | null): Promise<string[]> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE)
      throw badInput('first', `must be between 0 and ${MAX_PAGE}, got ${first}`);
    const filter =
      afterId === null ? { segments: segmentId } : { segments: segmentId, _id: { $gt: afterId } };
    const docs = await this.cols.subjects
      .find(filter, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(first + 1)
      .toArray();
    return docs.map((d) => d._id);
  }

  async recentChanges(segmentId: string, first: number): Promise<SegmentChangeDoc[]> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE)
      throw badInput('first', `must be between 0 and ${MAX_PAGE}, got ${first}`);
    return this.cols.changes.find({ segmentId }).sort({ at: -1, _id: -1 }).limit(first).toArray();
  }
}
