import type { Logger } from 'pino';
import type { Config } from './config/env';
import { CrmContactService } from './crm/crmContactService';
import { IdentifierPolicy } from './identity/identifierPolicy';
import { IdentityGraph } from './identity/identityGraph';
import { IdentityResolver } from './identity/resolver';
import { EventIngestionService } from './ingest/eventIngestionService';
import { OrderService } from './orders/orderService';
import type { OrderStore } from './orders/orderStore';
import { ProfileReader } from './profiles/profileReader';
import { ProfileSources } from './profiles/profileSources';
import { createSources, type SourceSet } from './sources/registry';
import { SourceLoaders } from './sources/sourceLoaders';
import type { StaleCache } from './sources/staleCache';
import type { JobQueues } from './workers/queues';
import { SegmentReader } from './segments/segmentReader';
import { SegmentStore } from './segments/segmentStore';
import type { Collections } from './store/mongo/collections';
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
  orders: OrderService;
  orderStore: OrderStore;
  sources: SourceSet;
  segments: SegmentStore;
  jobs: JobQueues | null;
  pubsub: PubSub;
  /** A request-scoped reader (its DataLoaders live as long as one operation). */
  newProfileReader(): ProfileReader;
  /** Request-scoped access to the federated sources (one DataLoader per source). */
  newProfileSources(): ProfileSources;
  newSegmentReader(): SegmentReader;
}

export function createServices(deps: {
  config: Config;
  logger: Logger;
  store: IdentityGraphStore;
  orderStore: OrderStore;
  staleCache: StaleCache;
  pubsub: PubSub;
  /** Where work for `npm run worker` is queued; null runs without workers (some tests). */
  jobs: JobQueues | null;
  collections: Pick<Collections, 'segments' | 'segmentSubjects' | 'segmentChanges'>;
}): Services {
  const { config, logger, store, orderStore, pubsub } = deps;
  const policy = new IdentifierPolicy(config.identity);
  // Queueing never fails a write (JobQueues.enrich logs and carries on).
  const enrich = (profileIds: string[]) => deps.jobs?.enrich(profileIds) ?? Promise.resolve();
  const graph = new IdentityGraph(store, undefined, (view, affectedIds) => {
    void enrich([view._id, ...affectedIds.filter((id) => id !== view._id)]);
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
  const sources = createSources(config.sources, { store, orderStore }, deps.staleCache, logger);
  const segments = new SegmentStore(deps.collections.segments);
  return {
    config,
    logger,
    store,
    policy,
    graph,
    resolver,
    crmContacts: new CrmContactService(policy, resolver),
    events: new EventIngestionService(
      store,
      policy,
      resolver,
      config.ingest.maxEventsPerRequest,
      enrich,
    ),
    orders: new OrderService(orderStore, policy, resolver, enrich),
    orderStore,
    sources,
    segments,
    jobs: deps.jobs,
    pubsub,
    newProfileReader: () => new ProfileReader(store, policy),
    newProfileSources: () => new ProfileSources(sources, new SourceLoaders()),
    newSegmentReader: () =>
      new SegmentReader(segments, {
        subjects: deps.collections.segmentSubjects,
        changes: deps.collections.segmentChanges,
      }),
  };
}
