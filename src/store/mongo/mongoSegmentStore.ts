import type { SegmentStore } from '../../segments/segmentStore';
import type { SegmentDoc, WebhookDoc } from '../../segments/segmentModels';
import { insertUnlessExists } from './byId';
import type { Collections } from './collections';

/** Segment definitions in the `segments` collection, one document per segment. */
export class MongoSegmentStore implements SegmentStore {
  constructor(private readonly c: Pick<Collections, 'segments'>) {}

  list(): Promise<SegmentDoc[]> {
    return this.c.segments.find({}).toArray();
  }

  get(id: string): Promise<SegmentDoc | null> {
    return this.c.segments.findOne({ _id: id });
  }

  insert(doc: SegmentDoc): Promise<boolean> {
    return insertUnlessExists(() => this.c.segments.insertOne(doc));
  }

  async replace(doc: SegmentDoc): Promise<void> {
    await this.c.segments.replaceOne({ _id: doc._id }, doc);
  }

  async delete(id: string): Promise<boolean> {
    const { deletedCount } = await this.c.segments.deleteOne({ _id: id });
    return deletedCount === 1;
  }

  async setWebhooks(id: string, webhooks: WebhookDoc[], updatedAt: Date): Promise<void> {
    await this.c.segments.updateOne({ _id: id }, { $set: { webhooks, updatedAt } });
  }
}
