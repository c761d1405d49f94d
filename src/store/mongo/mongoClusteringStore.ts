import type {
  ClusteringDoc,
  ClusteringModel,
  ClusteringRunDoc,
} from '../../clustering/clusteringModels';
import type { ClusteringStore } from '../../clustering/clusteringStore';
import { insertUnlessExists } from './byId';
import type { Collections } from './collections';

/** Clusterings in `clusterings`, their runs in `clustering_runs` (ids are time-ordered ULIDs). */
export class MongoClusteringStore implements ClusteringStore {
  constructor(
    private readonly c: Pick<Collections, 'clusterings' | 'clusteringRuns' | 'clusteringLeases'>,
  ) {}

  list(): Promise<ClusteringDoc[]> {
    return this.c.clusterings.find({}).toArray();
  }

  get(id: string): Promise<ClusteringDoc | null> {
    return this.c.clusterings.findOne({ _id: id });
  }

  insert(doc: ClusteringDoc): Promise<boolean> {
    return insertUnlessExists(() => this.c.clusterings.insertOne(doc));
  }

  async delete(id: string): Promise<boolean> {
    const { deletedCount } = await this.c.clusterings.deleteOne({ _id: id });
    return deletedCount === 1;
  }

  async setModel(id: string, model: ClusteringModel, updatedAt: Date): Promise<void> {
    await this.c.clusterings.updateOne({ _id: id }, { $set: { model, updatedAt } });
  }

  /**
   * A lease is a document whose `_id` is the clustering's: inserting it is atomic on every
   * server (a conditional update is not on FerretDB, where two concurrent claims both
   * passed the filter). An expired lease is removed, by its `until`, and the insert tried
   * once more: of two claimers, one inserts.
   */
  async claimRefit(id: string, until: Date, now: Date): Promise<boolean> {
    const leases = this.c.clusteringLeases;
    if (await insertUnlessExists(() => leases.insertOne({ _id: id, until }))) return true;
    const held = await leases.findOne({ _id: id });
    if (held !== null && held.until >= now) return false;
    if (held !== null) await leases.deleteOne({ _id: id, until: held.until });
    return insertUnlessExists(() => leases.insertOne({ _id: id, until }));
  }

  async releaseRefit(id: string): Promise<void> {
    await this.c.clusteringLeases.deleteOne({ _id: id });
  }

  async putRun(run: ClusteringRunDoc): Promise<void> {
    await this.c.clusteringRuns.replaceOne({ _id: run._id }, run, { upsert: true });
  }

  runs(clusteringId: string, limit: number): Promise<ClusteringRunDoc[]> {
    // Run ids are ULIDs: descending id is newest first.
    return this.c.clusteringRuns.find({ clusteringId }).sort({ _id: -1 }).limit(limit).toArray();
  }

  async deleteRuns(clusteringId: string): Promise<void> {
    await this.c.clusteringRuns.deleteMany({ clusteringId });
  }
}
