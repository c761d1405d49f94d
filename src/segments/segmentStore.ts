import type { SegmentDoc, WebhookDoc } from './segmentModels';

/**
 * Where segment definitions are kept. Few (tens, hundreds) and read whole; each write is
 * to one definition, by its id. The checks a definition must pass live in
 * `SegmentDefinitions`, not here.
 */
export interface SegmentStore {
  /** Every definition, in no particular order. */
  list(): Promise<SegmentDoc[]>;
  get(id: string): Promise<SegmentDoc | null>;
  /** False when a segment with that id exists already (a unique insert, not a check first). */
  insert(doc: SegmentDoc): Promise<boolean>;
  replace(doc: SegmentDoc): Promise<void>;
  /** False when there was no such segment. */
  delete(id: string): Promise<boolean>;
  /** Sets a segment's webhooks, the whole list, in one single-document update. */
  setWebhooks(id: string, webhooks: WebhookDoc[], updatedAt: Date): Promise<void>;
}
