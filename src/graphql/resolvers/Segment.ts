import type { GraphQLContext } from '../context';
import type {
  SegmentMembershipChangeResolvers,
  SegmentResolvers,
} from '../generated/resolvers-types';
import { seesPersonalData } from '../../auth/roles';
import { badInput } from '../../errors';
import { decodeCursor, encodeCursor } from '../../profiles/profileReader';
import type { ProfileDoc } from '../../store/models';

type SegmentContext = Pick<GraphQLContext, 'segments' | 'profiles' | 'principal' | 'segmentHealth'>;

export const Segment: SegmentResolvers<SegmentContext> = {
  id: (s) => s._id,
  rule: (s) => s.ruleInput,
  // Below the privacy floor, for callers who may not see personal data: 0, no members,
  // no changes (src/segments/segmentReader.ts).
  size: async (s, _, { segments, principal }) =>
    (await segments.visibleSize(s, seesPersonalData(principal.role))).size,
  sizeSuppressed: async (s, _, { segments, principal }) =>
    (await segments.visibleSize(s, seesPersonalData(principal.role))).suppressed,
  members: async (s, { first, after }, { segments, profiles, principal }) => {
    const size = first ?? 20;
    // Read either way, so that a bad page size is refused whatever the segment's size.
    const [withheld, ids] = await Promise.all([
      segments.membersWithheld(s, seesPersonalData(principal.role)),
      segments.memberIds(s._id, size, after == null ? null : decodeCursor(after)),
    ]);
    if (withheld) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
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
  recentChanges: async (s, { first }, { segments, principal }) => {
    const [withheld, changes] = await Promise.all([
      segments.membersWithheld(s, seesPersonalData(principal.role)),
      segments.recentChanges(s._id, first ?? 20),
    ]);
    return withheld ? [] : changes;
  },
  webhooks: (s) => s.webhooks ?? [],
  kind: (s) => s.kind ?? 'RULE',
  health: async (s, { last }, { segments, segmentHealth, principal }) => {
    const limit = last ?? 48;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw badInput('last', `must be between 1 and 500, got ${limit}`);
    if (await segments.healthWithheld(s._id, seesPersonalData(principal.role)))
      return { points: [], alerts: [] };
    const points = (await segmentHealth.recent(s._id, limit)).reverse();
    const alerts = (points.at(-1)?.alerts ?? []).map((a) => ({ ...a, segmentId: s._id }));
    return { points, alerts };
  },
  description: (s) => s.cluster?.description ?? null,
  cluster: (s) => s.cluster ?? null,
};

export const SegmentMembershipChange: SegmentMembershipChangeResolvers = {
  reason: (c) => c.reason,
};
