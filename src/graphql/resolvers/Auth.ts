import type { MutationResolvers, QueryResolvers } from '../generated/resolvers-types';

export const AuthQuery: Pick<QueryResolvers, 'apiKeys' | 'whoami'> = {
  apiKeys: (_, __, { services }) => services.apiKeys.list(),
  whoami: (_, __, { principal }) => principal,
};

export const AuthMutation: Pick<MutationResolvers, 'createApiKey' | 'revokeApiKey'> = {
  createApiKey: (_, { name, role, sources }, { services }) =>
    services.apiKeys.create({ name, role, sources: sources ?? null }),
  revokeApiKey: async (_, { id }, { services }) => {
    const revoked = await services.apiKeys.revoke(id);
    // Announced even when already revoked: a replica that missed the first notice catches up.
    await services.auth.revoked(id);
    return revoked;
  },
};
