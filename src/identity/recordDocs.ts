/** The documents resolving a record writes, built the same way on every path (one record or a batch). */
import {
  recordVersionId,
  type IdentityDoc,
  type RawRecordDoc,
  type TraitRecordDoc,
} from '../store/models';
import { identityKey, type Identifier } from './kinds';
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

/** The claim of one identifier of `record` for `profileId` (inserted unless taken). */
export function claimOf(id: Identifier, profileId: string, record: RecordToResolve): IdentityDoc {
  return {
    _id: identityKey(id),
    kind: id.kind,
    value: id.value,
    profileId,
    source: record.source,
    recordId: record.recordId,
    createdAt: new Date(),
  };
}
