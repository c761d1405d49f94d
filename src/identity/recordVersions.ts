import { recordVersionId, type RawRecordDoc, type TraitRecordDoc } from '../store/models';
import type { RecordToResolve } from './resolver';

/** What a record with traits stores as its latest version (the record document's content). */
export function recordContentOf(
  record: RecordToResolve,
  receivedAt: Date,
): Pick<TraitRecordDoc, 'traits' | 'identifiers' | 'hash' | 'observedAt' | 'receivedAt'> {
  const t = record.traitRecord!;
  return {
    traits: t.traits,
    identifiers: record.identifiers,
    hash: t.hash,
    observedAt: t.observedAt,
    receivedAt,
  };
}

/** The immutable version of a record with traits, as received (`<recordId>#<hash>`). */
export function recordVersionOf(record: RecordToResolve, receivedAt: Date): RawRecordDoc {
  const t = record.traitRecord!;
  return {
    _id: recordVersionId(record.recordId, t.hash),
    recordId: record.recordId,
    source: record.source,
    payload: t.payload,
    traits: t.traits,
    hash: t.hash,
    observedAt: t.observedAt,
    receivedAt,
  };
}
