import type { GraphQLContext } from '../context';
import type { QueryResolvers } from '../generated/resolvers-types';
import { AuthQuery } from './Auth';
import { ClusteringQuery } from './Clustering';
import { MatchingQuery } from './Matching';
import { OperationsQuery } from './Operations';
import { PrivacyQuery } from './Privacy';

type ReadContext = Pick<GraphQLContext, 'profiles' | 'segments' | 'intake'>;

const reads: Pick<
  QueryResolvers<ReadContext>,
  'profile' | 'profileByIdentifier' | 'segment' | 'segments' | 'profiles' | 'pipelineStatus'
> = {
  profile: (_, { id }, { profiles }) => profiles.profile(id),
  profileByIdentifier: (_, { kind, value }, { profiles }) => profiles.byIdentifier(kind, value),
  segment: (_, { id }, { segments }) => segments.get(id),
  segments: (_, __, { segments }) => segments.list(),
  pipelineStatus: (_, __, { intake }) => intake.status(),
  profiles: async (_, { first, after }, { profiles }) => {
    const page = await profiles.page(first, after);
    return {
      edges: page.edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  },
};

/** Every root query: the union of what its parts need. */
export const Query: QueryResolvers = {
  ...MatchingQuery,
  ...AuthQuery,
  ...PrivacyQuery,
  ...ClusteringQuery,
  ...OperationsQuery,
  ...reads,
};
