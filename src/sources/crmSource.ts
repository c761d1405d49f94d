import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { Identifier } from '../identity/kinds';
import type { RawRecordDoc } from '../store/models';
import { recordVersionId } from '../store/models';
import type { SourceAdapter } from './sourceAdapter';

export interface CrmRequest {
  crmIds: string[];
  /** Whether to read each contact as the CRM sent it (`raw`): one more look-up per contact. */
  raw: boolean;
}

/** A CRM contact as Mosaic last received it. */
export interface CrmRecord {
  crmId: string;
  /** Traits the contact contributes to the profile (normalised). */
  traits: Record<string, unknown>;
  identifiers: Identifier[];
  /** The contact exactly as the CRM sent it (null when the request did not ask for it). */
  raw: unknown;
  /** When the CRM sent this version. */
  receivedAt: Date;
}

/**
 * CRM contacts, pushed by CRM systems through `upsertCrmContact(s)` and kept as records
 * (latest version) and raw versions (bronze) in the store. Found by CRM id.
 */
export function createCrmSource(store: IdentityGraphStore): SourceAdapter<CrmRequest, CrmRecord[]> {
  return {
    name: 'crm',
    keyedBy: 'CRM_ID',
    maxBatchSize: 500,
    requestKey: (r) => `${r.raw ? 'raw' : 'plain'}\u0000${[...r.crmIds].sort().join('\u0000')}`,
    async loadMany(requests) {
      const recordIds = [...new Set(requests.flatMap((r) => r.crmIds.map((id) => `crm:${id}`)))];
      const records = await store.getRecords(recordIds);
      const rawWanted = new Set(
        requests.filter((r) => r.raw).flatMap((r) => r.crmIds.map((id) => `crm:${id}`)),
      );
      const rawIds = [...records.values()]
        .filter((r) => rawWanted.has(r._id))
        .map((r) => recordVersionId(r._id, r.hash));
      const raws =
        rawIds.length > 0 ? await store.getRawRecords(rawIds) : new Map<string, RawRecordDoc>();
      return requests.map((r) =>
        r.crmIds.flatMap((crmId) => {
          const record = records.get(`crm:${crmId}`);
          if (record === undefined) return [];
          const raw = raws.get(recordVersionId(record._id, record.hash));
          return [
            {
              crmId,
              traits: record.traits,
              identifiers: record.identifiers,
              raw: r.raw ? (raw?.payload ?? null) : null,
              receivedAt: record.receivedAt,
            },
          ];
        }),
      );
    },
  };
}
