import { consentTraitKey } from '../../consent/consent';
import type { Filter } from 'mongodb';
import type { Rule } from '../../segments/rules/rule';
import type { SegmentMembership } from '../../segments/segmentMembership';
import type { SegmentChangeDoc } from '../../segments/segmentModels';
import type { SegmentSubjectDoc } from '../models';
import { PER_KEY_LOOKUPS, type StoreCapabilities } from './capabilities';
import { getByIds, insertManyUnlessExists } from './byId';
import type { Collections } from './collections';
import { toMongoFilter } from './segmentRuleFilter';

/** Segment subjects in `segment_subjects`, membership changes in `segment_changes`. */
/** Single-document replaces sent at once on FerretDB (its writes serialise; more buys nothing). */
const REPLACES_IN_FLIGHT = 8;

export class MongoSegmentMembership implements SegmentMembership {
  constructor(
    private readonly c: Pick<Collections, 'segmentSubjects' | 'segmentChanges'>,
    private readonly capabilities: StoreCapabilities = PER_KEY_LOOKUPS,
  ) {}

  getSubjects(profileIds: string[]): Promise<Map<string, SegmentSubjectDoc>> {
    return getByIds(this.c.segmentSubjects, profileIds, this.capabilities.batchedIdLookups);
  }

  getSubject(profileId: string): Promise<SegmentSubjectDoc | null> {
    return this.c.segmentSubjects.findOne({ _id: profileId });
  }

  async putSubject(profileId: string, subject: Omit<SegmentSubjectDoc, '_id'>): Promise<void> {
    await this.c.segmentSubjects.replaceOne({ _id: profileId }, subject, { upsert: true });
  }

  async deleteSubject(profileId: string): Promise<void> {
    await this.c.segmentSubjects.deleteOne({ _id: profileId });
  }

  async replaceSubjectsAt(
    writer: string,
    entries: { subject: SegmentSubjectDoc; fromVersion: number }[],
  ): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    return this.capabilities.batchedIdLookups
      ? this.replaceGuarded(writer, entries)
      : this.replaceThenCheck(writer, entries);
  }

  /** MongoDB: one bulk write of `{_id, version}`-guarded replaces (the `_id` index serves each). */
  private async replaceGuarded(
    writer: string,
    entries: { subject: SegmentSubjectDoc; fromVersion: number }[],
  ): Promise<Set<string>> {
    const ids = entries.map((e) => e.subject._id);
    const result = await this.c.segmentSubjects.bulkWrite(
      entries.map(({ subject, fromVersion }) => ({
        replaceOne: {
          filter: { _id: subject._id, version: fromVersion },
          replacement: { ...subject, assignedBy: writer },
        },
      })),
      { ordered: false },
    );
    if (result.matchedCount === entries.length) return new Set(ids);
    // Some moved on meanwhile (rare): the writer's mark tells which were written.
    const written = await this.c.segmentSubjects
      .find({ _id: { $in: ids }, assignedBy: writer }, { projection: { _id: 1 } })
      .toArray();
    return new Set(written.map((d) => d._id));
  }

  /**
   * FerretDB's SQLite backend serves only a lone `_id` filter without a scan (a guard on
   * `version` scanned the collection for every document: 24 ms each at 20,000 subjects):
   * each subject is replaced by `_id` alone and the one it replaced is checked after. One
   * that had moved on is put back as it was (a moment of the refit's copy in between) and
   * reported as not written.
   */
  private async replaceThenCheck(
    writer: string,
    entries: { subject: SegmentSubjectDoc; fromVersion: number }[],
  ): Promise<Set<string>> {
    const written = new Set<string>();
    const replace = async ({ subject, fromVersion }: (typeof entries)[number]) => {
      const before = await this.c.segmentSubjects.findOneAndReplace(
        { _id: subject._id },
        { ...subject, assignedBy: writer },
        { returnDocument: 'before' },
      );
      if (before === null) return; // removed meanwhile: nothing was written
      if (before.version === fromVersion) written.add(subject._id);
      // Enrichment had moved it on: its copy goes back at once, under a version above both,
      // so no change id of either writer is reused.
      else
        await this.c.segmentSubjects.replaceOne(
          { _id: subject._id },
          {
            ...before,
            version: Math.max(before.version, subject.version) + 1,
          },
        );
    };
    for (let at = 0; at < entries.length; at += REPLACES_IN_FLIGHT)
      await Promise.all(entries.slice(at, at + REPLACES_IN_FLIGHT).map(replace));
    return written;
  }

  computedInIdOrder(
    batchSize: number,
    options: { consentPurpose?: string | null } = {},
  ): AsyncIterable<Pick<SegmentSubjectDoc, '_id' | 'computed' | 'clusters'>> {
    const filter = options.consentPurpose
      ? { [`traits.${consentTraitKey(options.consentPurpose)}`]: true }
      : {};
    return this.c.segmentSubjects
      .find(filter, { projection: { _id: 1, computed: 1, clusters: 1 } })
      .sort({ _id: 1 })
      .batchSize(batchSize);
  }

  countMembers(segmentId: string): Promise<number> {
    return this.c.segmentSubjects.countDocuments({ segments: segmentId });
  }

  async memberIds(segmentId: string, afterId: string | null, limit: number): Promise<string[]> {
    const filter =
      afterId === null ? { segments: segmentId } : { segments: segmentId, _id: { $gt: afterId } };
    const docs = await this.c.segmentSubjects
      .find(filter, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => d._id);
  }

  allMemberIds(segmentId: string): Promise<Set<string>> {
    return this.ids({ segments: segmentId });
  }

  idsMatching(rule: Rule, now: Date): Promise<Set<string>> {
    return this.ids(toMongoFilter<SegmentSubjectDoc>(rule, now));
  }

  async recordChanges(changes: SegmentChangeDoc[]): Promise<void> {
    await insertManyUnlessExists(this.c.segmentChanges, changes);
  }

  async countChanges(
    segmentId: string,
    after: Date,
    until: Date,
  ): Promise<{ entered: number; exited: number }> {
    const range = { segmentId, at: { $gt: after, $lte: until } };
    const [entered, exited] = await Promise.all([
      this.c.segmentChanges.countDocuments({ ...range, change: 'entered' }),
      this.c.segmentChanges.countDocuments({ ...range, change: 'left' }),
    ]);
    return { entered, exited };
  }

  async forgetChanges(ids: string[]): Promise<void> {
    // Rare and few (a refit's subjects enrichment rewrote meanwhile): one delete each, so
    // FerretDB serves every one by `_id` instead of scanning for an `$in`.
    for (const id of ids) await this.c.segmentChanges.deleteOne({ _id: id });
  }

  recentChanges(segmentId: string, limit: number): Promise<SegmentChangeDoc[]> {
    return this.c.segmentChanges
      .find({ segmentId })
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .toArray();
  }

  private async ids(filter: Filter<SegmentSubjectDoc>): Promise<Set<string>> {
    const docs = await this.c.segmentSubjects.find(filter, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((d) => d._id));
  }
}
