import type { MutationResolvers } from '../generated/resolvers-types';
import type { ProfileDoc } from '../../store/models';
import { seesPersonalData } from '../../auth/roles';
import {
  parseRule,
  refusePersonalComparisons,
  type KnownPersonalData,
} from '../../segments/rules/rule';
import type { Services } from '../../services';
import { AuthMutation } from './Auth';
import { MatchingMutation } from './Matching';
import { PrivacyMutation } from './Privacy';
import { ConsentMutation } from './Consent';

export const Mutation: MutationResolvers = {
  ...MatchingMutation,
  ...AuthMutation,
  ...PrivacyMutation,
  ...ConsentMutation,
  upsertCrmContact: async (_, { input }, { services, profiles }) => {
    const result = await services.crmContacts.upsert(input);
    return mustExist(await profiles.byId(result.profileId), result.profileId);
  },
  upsertCrmContacts: async (_, { inputs }, { services }) => {
    const results = await services.crmContacts.upsertMany(inputs);
    const changed = results.filter((r) => r.changed).length;
    return { changed, unchanged: results.length - changed, outcomes: results };
  },
  recordOrders: async (_, { orders }, { services }) => {
    const outcomes = await services.orders.record(orders);
    const written = outcomes.filter((o) => o.written).length;
    return { written, unchanged: outcomes.length - written, outcomes };
  },
  defineSegment: async (_, { name, rule, purpose }, { services, principal }) => {
    if (!seesPersonalData(principal.role))
      refusePersonalComparisons(parseRule(rule), await knownPersonalData(services));
    const segment = await services.segments.define(name, rule, purpose);
    await services.jobs?.refreshSegments();
    return segment;
  },
  updateSegment: async (_, { id, name, rule, purpose }, { services, principal }) => {
    if (rule != null && !seesPersonalData(principal.role))
      refusePersonalComparisons(parseRule(rule), await knownPersonalData(services));
    const segment = await services.segments.update(id, { name, rule, purpose });
    await services.jobs?.refreshSegments();
    return segment;
  },
  deleteSegment: (_, { id }, { services }) => services.segments.delete(id),
  addSegmentWebhook: (_, { segmentId, webhook }, { services }) =>
    services.segments.addWebhook(segmentId, webhook.url, webhook.secret, webhook.purpose),
  removeSegmentWebhook: (_, { segmentId, webhookId }, { services }) =>
    services.segments.removeWebhook(segmentId, webhookId),
  trackEvents: async (_, { events }, { services }) => {
    const result = await services.events.ingest(events);
    return { accepted: result.accepted, duplicates: result.duplicates, outcomes: result.outcomes };
  },
};

/**
 * What a non-admin's rule is checked against, read now (definitions are rare): the trait
 * keys learned to hold personal values, and the segments the rule may refer to.
 */
async function knownPersonalData(services: Services): Promise<KnownPersonalData> {
  const [learned, segments] = await Promise.all([
    services.personalTraits.current(),
    services.segments.list(),
  ]);
  const rules = new Map(segments.map((s) => [s._id, s.rule]));
  return { learned, ruleOf: (id) => rules.get(id) };
}

/** A profile just written must be readable; if it is not, that is a bug, not a client error. */
function mustExist(doc: ProfileDoc | null, id: string): ProfileDoc {
  if (doc === null) throw new Error(`Profile ${id} was written but cannot be read back`);
  return doc;
}
