import type { QueryResolvers } from '../generated/resolvers-types';
import { AuthQuery } from './Auth';
import { MatchingQuery } from './Matching';
import { PrivacyQuery } from './Privacy';

export const Query: QueryResolvers = {
  ...MatchingQuery,
  ...AuthQuery,
  ...PrivacyQuery,
  profile: (_, { id }, { profiles }) => profiles.byId(id),
  profileByIdentifier: (_, { kind, value }, { profiles }) => profiles.byIdentifier(kind, value),
  segment: (_, { id }, { segments }) => segments.get(id),
  segments: (_, __, { segments }) => segments.list(),
  profiles: async (_, { first, after }, { profiles }) => {
    const page = await profiles.page(first, after);
    return {
      edges: page.edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  },
};
