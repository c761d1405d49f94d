import { badInput } from '../../errors';
import type { GraphQLContext } from '../context';
import type { MutationResolvers, QueryResolvers } from '../generated/resolvers-types';

/** Credentials and the audit log: what the admin's key management and log reading use. */
type AuthAdminContext = Pick<GraphQLContext, 'apiKeys' | 'audit' | 'auth' | 'principal'>;

export const AuthQuery: Pick<
  QueryResolvers<AuthAdminContext>,
  'apiKeys' | 'whoami' | 'auditLog'
> = {
  apiKeys: (_, __, { apiKeys }) => apiKeys.list(),
  whoami: (_, __, { principal }) => principal,
  auditLog: async (_, { first, after, action }, { audit }) => {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > 100) throw badInput('first', 'must be 1-100');
    if (after != null && !/^\d{1,18}$/.test(after))
      throw badInput('after', 'is not a cursor from this log');
    const page = await audit.page({
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

export const AuthMutation: Pick<
  MutationResolvers<AuthAdminContext>,
  'createApiKey' | 'revokeApiKey'
> = {
  createApiKey: (_, { name, role, sources }, { apiKeys, audit, principal }) =>
    audit.run(
      {
        actor: principal.subject,
        action: 'api_key_created',
        targets: [],
        details: { name, role, sources: sources ?? [] },
      },
      () => apiKeys.create({ name, role, sources: sources ?? null }),
      (created) => ({ keyId: created.key.id }),
    ),
  revokeApiKey: (_, { id }, { apiKeys, audit, auth, principal }) =>
    audit.run(
      { actor: principal.subject, action: 'api_key_revoked', targets: [id] },
      async () => {
        const revoked = await apiKeys.revoke(id);
        // Announced even when already revoked: a replica that missed the first notice catches up.
        await auth.revoked(id);
        return revoked;
      },
      (revoked) => ({ wasLive: revoked }),
    ),
};
