import type {
  SegmentMembershipChangeResolvers,
  SegmentResolvers,
} from '../generated/resolvers-types';
import { decodeCursor, encodeCursor } from '../../profiles/profileReader';
import type { ProfileDoc } from '../../store/models';

export const Segment: SegmentResolvers = {
  id: (s) => s._id,
  rule: (s) => s.ruleInput,
  size: (s, _, { segments }) => segments.size(s._id),
  members: async (s, { first, after }, { segments, profiles }) => {
    const size = first ?? 20;
    const ids = await segments.memberIds(s._id, size, after == null ? null : decodeCursor(after));
    const page = ids.slice(0, size);
    const nodes = await Promise.all(page.map((id) => profiles.byId(id)));
    const edges = nodes
      .filter((n): n is ProfileDoc => n !== null)
      .map((node) => ({ cursor: encodeCursor(node._id), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: ids.length > size,
        endCursor: page.length > 0 ? encodeCursor(page.at(-1)!) : null,
      },
    };
  },
  recentChanges: (s, { first }, { segments }) => segments.recentChanges(s._id, first ?? 20),
  webhooks: (s) => s.webhooks ?? [],
};

export const SegmentMembershipChange: SegmentMembershipChangeResolvers = {
  reason: (c) => c.reason,
};
