import type { GraphQLContext } from '../context';
import type { MutationResolvers, QueryResolvers } from '../generated/resolvers-types';

type PrivacyContext = Pick<GraphQLContext, 'privacy' | 'audit' | 'principal'>;

/** Who asked, for the audit log and the erasure record. */
const actor = (context: PrivacyContext): string => context.principal.subject;

// The audit entries name the profile acted on and the identifier's kind, never its value.
export const PrivacyQuery: Pick<QueryResolvers<PrivacyContext>, 'exportPerson'> = {
  exportPerson: async (_, { kind, value }, context) => {
    const { privacy, audit } = context;
    const person = await privacy.locate(kind, value);
    return audit.run(
      {
        actor: actor(context),
        action: 'person_exported',
        targets: [person.rootId],
        details: { kind },
      },
      () => privacy.exportPerson(person),
      (doc) => ({ profiles: (doc.profileIds as string[]).length }),
    );
  },
};

export const PrivacyMutation: Pick<MutationResolvers<PrivacyContext>, 'erasePerson'> = {
  erasePerson: async (_, { kind, value }, context) => {
    const { privacy, audit } = context;
    const { rootId } = await privacy.locate(kind, value);
    const result = await audit.run(
      { actor: actor(context), action: 'person_erased', targets: [rootId], details: { kind } },
      () => privacy.erase(rootId, actor(context)),
      (r) => ({ erasureId: r.erasureId, profileIds: r.profileIds, counts: r.counts }),
    );
    return {
      erasureId: result.erasureId,
      profileIds: result.profileIds,
      counts: Object.entries(result.counts).map(([store, count]) => ({ store, count })),
      sweepAt: result.sweepAt,
    };
  },
};
