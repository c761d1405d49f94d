import type { GraphQLContext } from '../context';
import { selectsField } from '../selections';
import type {
  CurrencyTotalResolvers,
  EventResolvers,
  MergeLogEntryResolvers,
  ProfileResolvers,
} from '../generated/resolvers-types';
import { maskExplanation } from '../../auth/mask';
import { seesPersonalData } from '../../auth/roles';
import { splitManualMergeExplanation } from '../../identity/identityAdmin';
import type { MergeLogItem } from '../../identity/mergeLog';

/** A profile's fields read through the operation's readers, shown as the caller may see them. */
type ProfileContext = Pick<GraphQLContext, 'profiles' | 'sources' | 'segments' | 'principal'>;

export const Profile: ProfileResolvers<ProfileContext> = {
  id: (p) => p._id,
  mergedFrom: (p) => p.mergedFrom,
  mergeLog: (p, _, { profiles }) => profiles.mergeLog(p),
  recentEvents: (p, { first }, { profiles }) => profiles.recentEvents(p, first ?? 20),
  crmRecords: (p, _, { sources }, info) => sources.crmRecords(p, selectsField(info, 'raw')),
  orders: (p, { first, after }, { sources }) => sources.orders(p, first ?? 10, after ?? null),
  orderStats: (p, _, { sources }) => sources.orderStats(p),
  events: (p, { first, after, type, name }, { sources }) =>
    sources.events(p, {
      first: first ?? 20,
      after: after ?? null,
      type: type ?? null,
      name: name ?? null,
    }),
  eventStats: (p, _, { sources }) => sources.eventStats(p),
  sourceStatus: (p, _, { sources }) => sources.status(p),
  // From the gold document when the profile was read with one (the hot tier), else the store.
  segments: (p, _, { profiles, segments, principal }) =>
    segments.ofProfile(p._id, seesPersonalData(principal.role), profiles.goldOf(p)?.segmentIds),
  computedTraits: (p, _, { profiles, segments }) => {
    const gold = profiles.goldOf(p);
    return gold ? gold.computedTraits : segments.computedTraits(p._id);
  },
};

export const CurrencyTotal: CurrencyTotalResolvers = {
  averageOrderValue: (t) => (t.count === 0 ? 0 : Math.round((t.amount / t.count) * 100) / 100),
};

export const MergeLogEntry: MergeLogEntryResolvers<Pick<GraphQLContext, 'principal'>> = {
  action: (m) => m.action,
  survivorId: (m) => (m.action === 'MERGE' ? m.pointer.into : m.unmerge.fromProfileId),
  mergedId: (m) => (m.action === 'MERGE' ? m.pointer._id : m.unmerge.toProfileId),
  reason: (m) => (m.action === 'MERGE' ? m.pointer.reason : 'MANUAL'),
  linkedBy: (m) => (m.action === 'MERGE' ? m.pointer.linkedBy : null),
  recordId: (m) => (m.action === 'MERGE' ? m.pointer.recordId : null),
  // For every role but admin (`@pii(kind: PROSE)` then masks emails and phones anywhere):
  // without the operator's note, with the identifiers and record ids it quotes masked.
  explanation: (m, _, { principal }) => {
    if (seesPersonalData(principal.role))
      return m.action === 'MERGE' ? m.pointer.explanation : m.unmerge.explanation;
    if (m.action === 'UNMERGE') return maskExplanation(m.unmerge.explanation);
    return maskExplanation(
      manualParts(m)?.explanation ?? m.pointer.explanation,
      m.pointer.linkedBy,
    );
  },
  note: (m) => manualParts(m)?.note ?? null,
  match: (m) => (m.action === 'MERGE' ? (m.pointer.match ?? null) : null),
  undoneBy: (m) => (m.action === 'MERGE' ? m.undoneBy : null),
  recordIds: (m) => (m.action === 'MERGE' ? [] : m.unmerge.recordIds),
  at: (m) => (m.action === 'MERGE' ? m.pointer.at : m.unmerge.at),
};

export const Event: EventResolvers = {
  id: (e) => e._id,
};

/** A manual merge's explanation and operator's note, apart; null for any other entry. */
function manualParts(m: MergeLogItem): { explanation: string; note: string | null } | null {
  if (m.action !== 'MERGE' || m.pointer.reason !== 'MANUAL') return null;
  return splitManualMergeExplanation(m.pointer.explanation);
}
