import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import { badInput } from '../errors';
import type { PersonalTraits } from '../profiles/personalTraits';
import type { SegmentSubjectDoc } from '../store/models';
import { comparesPersonalTraits } from './rules/rule';
import type { SegmentChangeDoc, SegmentDoc } from './segmentModels';
import type { SegmentDefinitions } from './segmentDefinitions';
import type { SegmentMembership } from './segmentMembership';

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
  /** Per process, shared by every operation and live feed (see FloorDecisions). */
  decisions: FloorDecisions;
}

/** How long a process trusts its decision that a segment's rule does or does not compare personal traits. */
const DECISION_TTL_MS = 5_000;

/**
 * Whether the floor applies to a segment, remembered per process for a few seconds: a live
 * feed asks on every membership change, for every subscriber, and the answer (which reads
 * every segment's rule and the learned keys) changes only when a rule is edited or a key
 * learned. A rule edited to compare a personal trait is floored within DECISION_TTL_MS.
 */
export class FloorDecisions {
  private readonly cache = new LRUCache<string, { floored: boolean }>({
    max: 10_000,
    ttl: DECISION_TTL_MS,
  });

  async get(segmentId: string, decide: () => Promise<boolean>): Promise<boolean> {
    const known = this.cache.get(segmentId);
    if (known) return known.floored;
    const floored = await decide();
    this.cache.set(segmentId, { floored });
    return floored;
  }
}

/** Read side of segments for one GraphQL operation (its loaders never outlive it). */
export class SegmentReader {
  private readonly subjects: DataLoader<string, SegmentSubjectDoc | null>;
  private all: Promise<Map<string, SegmentDoc>> | null = null;
  private learned: Promise<ReadonlySet<string>> | null = null;
  private readonly sizes = new Map<string, Promise<number>>();

  constructor(
    private readonly definitions: SegmentDefinitions,
    private readonly membership: SegmentMembership,
    private readonly privacy: SegmentPrivacy,
  ) {
    // The store's batched look-up by `_id` (one burst per tick, whatever the server).
    this.subjects = new DataLoader(async (ids) => {
      const found = await membership.getSubjects([...ids]);
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  private segmentsById(): Promise<Map<string, SegmentDoc>> {
    this.all ??= this.definitions.list().then((list) => new Map(list.map((s) => [s._id, s])));
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
  async ofProfile(
    profileId: string,
    seesPersonal: boolean,
    /** The memberships, when the caller holds them already (a gold document's). */
    known?: string[],
  ): Promise<SegmentDoc[]> {
    const ids = known ?? (await this.subjects.load(profileId))?.segments ?? [];
    if (ids.length === 0) return [];
    // Memberships are as old as the last enrichment anyway: the process's definitions,
    // at most a couple of seconds old, name them without a store read per profile read.
    const byId = new Map((await this.definitions.listCached()).map((s) => [s._id, s]));
    const segments = ids.flatMap((id) => byId.get(id) ?? []);
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
      size = this.membership.countMembers(segmentId);
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
    const floored = await this.flooredById(segmentId, seesPersonal);
    if (floored === null) return { size: 0, suppressed: false, membersWithheld: true };
    const size = await this.size(segmentId);
    const below = floored && size < this.privacy.sizeFloor;
    return { size: below ? 0 : size, suppressed: below && size > 0, membersWithheld: below };
  }

  /** Whether a live feed's change may name its member: no store read unless the floor applies. */
  async changeVisible(segmentId: string, seesPersonal: boolean): Promise<boolean> {
    const floored = await this.flooredById(segmentId, seesPersonal);
    if (floored === null) return false;
    return !floored || (await this.size(segmentId)) >= this.privacy.sizeFloor;
  }

  /**
   * Whether a segment's health (its sizes over time, its alerts) is withheld from this
   * caller: when the size floor applies to it, its history would tell the sizes the floor
   * hides. Null-safe: a segment gone tells nothing either.
   */
  async healthWithheld(segmentId: string, seesPersonal: boolean): Promise<boolean> {
    return (await this.flooredById(segmentId, seesPersonal)) !== false;
  }

  /** Whether the size floor applies to this segment for this caller. */
  private floored(segment: SegmentDoc, seesPersonal: boolean): Promise<boolean> {
    return this.flooredById(segment._id, seesPersonal).then((f) => f === true);
  }

  /** As floored(); null when the segment is gone (it tells a non-admin nothing). */
  private async flooredById(segmentId: string, seesPersonal: boolean): Promise<boolean | null> {
    if (seesPersonal || this.privacy.sizeFloor <= 1) return false;
    let missing = false;
    const floored = await this.privacy.decisions.get(segmentId, async () => {
      const byId = await this.segmentsById();
      const segment = byId.get(segmentId);
      if (segment === undefined) {
        missing = true;
        return true;
      }
      // Fresh from the store, at most once per operation: a key learned a moment ago counts.
      this.learned ??= this.privacy.personalTraits.current();
      const learned = await this.learned;
      return comparesPersonalTraits(segment.rule, { learned, ruleOf: (id) => byId.get(id)?.rule });
    });
    return missing ? null : floored;
  }

  /** Member profile ids in id order, after `afterId`: `first + 1` of them when there are more. */
  async memberIds(segmentId: string, first: number, afterId: string | null): Promise<string[]> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE)
      throw badInput('first', `must be between 0 and ${MAX_PAGE}, got ${first}`);
    return this.membership.memberIds(segmentId, afterId, first + 1);
  }

  async recentChanges(segmentId: string, first: number): Promise<SegmentChangeDoc[]> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE)
      throw badInput('first', `must be between 0 and ${MAX_PAGE}, got ${first}`);
    return this.membership.recentChanges(segmentId, first);
  }
}
