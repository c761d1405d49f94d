import DataLoader from 'dataloader';
import type { Collection } from 'mongodb';
import { badInput } from '../errors';
import type { SegmentSubjectDoc } from '../store/models';
import { getByIds } from '../store/mongo/mongoIdentityGraphStore';
import type { SegmentChangeDoc, SegmentDoc } from './segmentModels';
import type { SegmentStore } from './segmentStore';

const MAX_PAGE = 100;

/** Read side of segments for one GraphQL operation (its loaders never outlive it). */
export class SegmentReader {
  private readonly subjects: DataLoader<string, SegmentSubjectDoc | null>;
  private all: Promise<Map<string, SegmentDoc>> | null = null;

  constructor(
    private readonly store: SegmentStore,
    private readonly cols: {
      subjects: Collection<SegmentSubjectDoc>;
      changes: Collection<SegmentChangeDoc>;
    },
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

  /** The profile's segments, as last evaluated by enrichment. */
  async ofProfile(profileId: string): Promise<SegmentDoc[]> {
    const subject = await this.subjects.load(profileId);
    const byId = await this.segmentsById();
    return (subject?.segments ?? []).flatMap((id) => byId.get(id) ?? []);
  }

  async computedTraits(profileId: string): Promise<Record<string, unknown> | null> {
    return (await this.subjects.load(profileId))?.computed ?? null;
  }

  size(segmentId: string): Promise<number> {
    return this.cols.subjects.countDocuments({ segments: segmentId });
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
