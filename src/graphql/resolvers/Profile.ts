import type {
  ProfileResolvers,
  MergeLogEntryResolvers,
  EventResolvers,
} from '../generated/resolvers-types';

export const Profile: ProfileResolvers = {
  id: (p) => p._id,
  mergedFrom: (p) => p.mergedFrom,
  mergeLog: (p, _, { profiles }) => profiles.mergeLog(p),
  recentEvents: (p, { first }, { profiles }) => profiles.recentEvents(p, first ?? 20),
};

export const MergeLogEntry: MergeLogEntryResolvers = {
  survivorId: (m) => m.into,
  mergedId: (m) => m._id,
};

export const Event: EventResolvers = {
  id: (e) => e._id,
};
