import { badInput } from '../../errors';
import type { MutationResolvers, QueryResolvers } from '../generated/resolvers-types';

export const AuthQuery: Pick<QueryResolvers, 'apiKeys' | 'whoami' | 'auditLog'> = {
  apiKeys: (_, __, { services }) => services.apiKeys.list(),
  whoami: (_, __, { principal }) => principal,
  auditLog: async (_, { first, after, action }, { services }) => {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > 100) throw badInput('first', 'must be 1-100');
    if (after != null && !/^\d{1,18}$/.test(after))
      throw badInput('after', 'is not a cursor from this log');
    const page = await services.audit.page({
      first: size,
      after: after ?? null,
      action: action ?? null,
    });
    return {
      edges: page.entries.map((node) => ({ cursor: node.id, node })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.entries.at(-1)?.id ?? null },
    };
  },
};

export const AuthMutation: Pick<MutationResolvers, 'createApiKey' | 'revokeApiKey'> = {
  createApiKey: (_, { name, role, sources }, { services, principal }) =>
    services.audit.run(
      {
        actor: principal.subject,
        action: 'api_key_created',
        targets: [],
        details: { name, role, sources: sources ?? [] },
      },
      () => services.apiKeys.create({ name, role, sources: sources ?? null }),
      (created) => ({ keyId: created.key.id }),
    ),
  revokeApiKey: (_, { id }, { services, principal }) =>
    services.audit.run(
      { actor: principal.subject, action: 'api_key_revoked', targets: [id] },
      async () => {
        const revoked = await services.apiKeys.revoke(id);
        // Announced even when already revoked: a replica that missed the first notice catches up.
        await services.auth.revoked(id);
        return revoked;
      },
      (revoked) => ({ wasLive: revoked }),
    ),
};
