import type { Logger } from 'pino';
import type { Config } from './config/env';
import { CrmContactService } from './crm/crmContactService';
import { IdentifierPolicy } from './identity/identifierPolicy';
import { IdentityGraph } from './identity/identityGraph';
import { IdentityResolver } from './identity/resolver';
import { EventIngestionService } from './ingest/eventIngestionService';
import { ProfileReader } from './profiles/profileReader';
import type { PubSub } from './pubsub/pubSub';
import type { IdentityGraphStore } from './store/identityGraphStore';

export const profileUpdatedChannel = (profileId: string): string => `profile-updated:${profileId}`;

export interface ProfileUpdatedMessage {
  profileId: string;
}

/** The application's services, wired once per process and shared by every request. */
export interface Services {
  config: Config;
  logger: Logger;
  store: IdentityGraphStore;
  policy: IdentifierPolicy;
  graph: IdentityGraph;
  resolver: IdentityResolver;
  crmContacts: CrmContactService;
  events: EventIngestionService;
  pubsub: PubSub;
  /** A request-scoped reader (its DataLoaders live as long as one operation). */
  newProfileReader(): ProfileReader;
}

export function createServices(deps: {
  config: Config;
  logger: Logger;
  store: IdentityGraphStore;
  pubsub: PubSub;
}): Services {
  const { config, logger, store, pubsub } = deps;
  const policy = new IdentifierPolicy(config.identity);
  const graph = new IdentityGraph(store, undefined, (view, affectedIds) => {
    const message: ProfileUpdatedMessage = { profileId: view._id };
    for (const id of affectedIds) {
      pubsub
        .publish(profileUpdatedChannel(id), message)
        .catch((err: unknown) =>
          logger.warn({ err, profileId: id }, 'could not publish profile update'),
        );
    }
  });
  const resolver = new IdentityResolver(store, graph, config.identity.limits);
  return {
    config,
    logger,
    store,
    policy,
    graph,
    resolver,
    crmContacts: new CrmContactService(policy, resolver),
    events: new EventIngestionService(store, policy, resolver, config.ingest.maxEventsPerRequest),
    pubsub,
    newProfileReader: () => new ProfileReader(store, policy),
  };
}
