import type { GraphQLContext } from '../context';
import { inLane } from '../../ingest/lanes';
import type { MutationResolvers } from '../generated/resolvers-types';
import type { ProfileDoc } from '../../store/models';
import { seesPersonalData } from '../../auth/roles';
import {
  parseRule,
  refusePersonalComparisons,
  type KnownPersonalData,
} from '../../segments/rules/rule';
import { AuthMutation } from './Auth';
import { ClusteringMutation } from './Clustering';
import { MatchingMutation } from './Matching';
import { PrivacyMutation } from './Privacy';
import { ConsentMutation } from './Consent';

/** What the writes of the sources (CRM, orders, events) and segment definitions use. */
type WriteContext = Pick<
  GraphQLContext,
  | 'crmContacts'
  | 'orders'
  | 'intake'
  | 'profiles'
  | 'principal'
  | 'segmentDefinitions'
  | 'personalTraits'
  | 'jobs'
>;

const writes: Pick<
  MutationResolvers<WriteContext>,
  | 'upsertCrmContact'
  | 'upsertCrmContacts'
  | 'recordOrders'
  | 'defineSegment'
  | 'updateSegment'
  | 'deleteSegment'
  | 'addSegmentWebhook'
  | 'removeSegmentWebhook'
  | 'trackEvents'
> = {
  upsertCrmContact: async (_, { input }, { crmContacts, profiles }) => {
    const result = await crmContacts.upsert(input);
    return mustExist(await profiles.profile(result.profileId), result.profileId);
  },
  upsertCrmContacts: async (_, { inputs }, { crmContacts, intake }) => {
    // A large batch is an import: its enrichment waits behind live work.
    const results = await inLane(intake.laneFor(inputs.length), () =>
      crmContacts.upsertMany(inputs),
    );
    const changed = results.filter((r) => r.changed).length;
    return { changed, unchanged: results.length - changed, outcomes: results };
  },
  recordOrders: async (_, { orders }, context) => {
    const outcomes = await inLane(context.intake.laneFor(orders.length), () =>
      context.orders.record(orders),
    );
    const written = outcomes.filter((o) => o.written).length;
    return { written, unchanged: outcomes.length - written, outcomes };
  },
  defineSegment: async (_, { name, rule, purpose }, context) => {
    if (!seesPersonalData(context.principal.role))
      refusePersonalComparisons(parseRule(rule), await knownPersonalData(context));
    const segment = await context.segmentDefinitions.define(name, rule, purpose);
    await context.jobs?.refreshSegments();
    return segment;
  },
  updateSegment: async (_, { id, name, rule, purpose }, context) => {
    if (rule != null && !seesPersonalData(context.principal.role))
      refusePersonalComparisons(parseRule(rule), await knownPersonalData(context));
    const segment = await context.segmentDefinitions.update(id, { name, rule, purpose });
    await context.jobs?.refreshSegments();
    return segment;
  },
  deleteSegment: (_, { id }, { segmentDefinitions }) => segmentDefinitions.delete(id),
  addSegmentWebhook: (_, { segmentId, webhook }, { segmentDefinitions }) =>
    segmentDefinitions.addWebhook(segmentId, webhook.url, webhook.secret, webhook.purpose),
  removeSegmentWebhook: (_, { segmentId, webhookId }, { segmentDefinitions }) =>
    segmentDefinitions.removeWebhook(segmentId, webhookId),
  trackEvents: (_, { events, wait }, context) =>
    context.intake.accept(events, { wait: wait === true }),
};

/** Every root mutation: the union of what its parts need. */
export const Mutation: MutationResolvers = {
  ...MatchingMutation,
  ...AuthMutation,
  ...PrivacyMutation,
  ...ConsentMutation,
  ...ClusteringMutation,
  ...writes,
};

/**
 * What a non-admin's rule is checked against, read now (definitions are rare): the trait
 * keys learned to hold personal values, and the segments the rule may refer to.
 */
async function knownPersonalData(
  context: Pick<WriteContext, 'personalTraits' | 'segmentDefinitions'>,
): Promise<KnownPersonalData> {
  const [learned, segments] = await Promise.all([
    context.personalTraits.current(),
    context.segmentDefinitions.list(),
  ]);
  const rules = new Map(segments.map((s) => [s._id, s.rule]));
  return { learned, ruleOf: (id) => rules.get(id) };
}

/** A profile just written must be readable; if it is not, that is a bug, not a client error. */
function mustExist(doc: ProfileDoc | null, id: string): ProfileDoc {
  if (doc === null) throw new Error(`Profile ${id} was written but cannot be read back`);
  return doc;
}
