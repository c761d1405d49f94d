import type { Logger } from 'pino';
import { AuditLog } from './audit/auditLog';
import { ApiKeyStore } from './auth/apiKeys';
import { Authenticator } from './auth/authenticator';
import { JwtVerifier } from './auth/jwt';
import { OpaqueIds } from './auth/opaqueIds';
import type { Config } from './config/env';
import { ConsentService } from './consent/consentService';
import { CrmContactService } from './crm/crmContactService';
import { IdentifierPolicy } from './identity/identifierPolicy';
import { IdentityAdmin } from './identity/identityAdmin';
import { IdentityGraph } from './identity/identityGraph';
import { announceSplit } from './identity/identitySplits';
import { IdentityResolver } from './identity/resolver';
import { EventIngestionService } from './ingest/eventIngestionService';
import { EventIntake } from './ingest/eventIntake';
import { currentLane, type Lane } from './ingest/lanes';
import { forgetWhatOthersChange } from './ingest/forgetAnnounced';
import { MatchingService } from './matching/matchingService';
import { matchOnArrival } from './matching/matchOnArrival';
import type { ProcessMetrics } from './observability/metrics';
import { OperationsStatus } from './observability/operationsStatus';
import { OrderService } from './orders/orderService';
import type { OrderStore } from './orders/orderStore';
import { PrivacyService } from './privacy/privacyService';
import type { GoldAccess } from './profiles/goldAccess';
import { PersonalTraits } from './profiles/personalTraits';
import { ProfileReader } from './profiles/profileReader';
import { ProfileSources } from './profiles/profileSources';
import { announceProfileChanges } from './profiles/profileUpdates';
import type { PubSub } from './pubsub/pubSub';
import { SegmentDefinitions } from './segments/segmentDefinitions';
import { ClusteringDefinitions } from './clustering/clusteringDefinitions';
import type { SegmentHealthStore } from './segments/healthStore';
import { FloorDecisions, SegmentReader } from './segments/segmentReader';
import { createSources, type SourceSet } from './sources/registry';
import { SourceLoaders } from './sources/sourceLoaders';
import type { IdentityGraphStore } from './store/identityGraphStore';
import type { Stores } from './store/openStores';
import type { JobQueue } from './workers/queues';

/** The application's services, wired once per process and shared by every request. */
export interface Services {
  config: Config;
  logger: Logger;
  store: IdentityGraphStore;
  policy: IdentifierPolicy;
  graph: IdentityGraph;
  resolver: IdentityResolver;
  /** Trait keys learned to hold personal values: what segment rules may not compare. */
  personalTraits: PersonalTraits;
  crmContacts: CrmContactService;
  /** Probabilistic matching; null when switched off (MOSAIC_MATCHING=off). */
  matching: MatchingService | null;
  identityAdmin: IdentityAdmin;
  /** Attributes and stores events (the pipeline's core; tools and tests call it directly). */
  events: EventIngestionService;
  /** The front door of event ingestion: validates, lands in bronze, answers (see eventIntake.ts). */
  intake: EventIntake;
  orders: OrderService;
  orderStore: OrderStore;
  sources: SourceSet;
  segments: SegmentDefinitions;
  clusterings: ClusteringDefinitions;
  /** Segments' health points (written by workers; read by `Segment.health`). */
  segmentHealth: SegmentHealthStore;
  jobs: JobQueue | null;
  pubsub: PubSub;
  /** The gold documents (stored, and in the hot tier) this process reads through and fences. */
  gold: GoldAccess | null;
  /** A request-scoped reader (its DataLoaders live as long as one operation). */
  newProfileReader(): ProfileReader;
  /** Request-scoped access to the federated sources (one DataLoader per source). */
  newProfileSources(): ProfileSources;
  newSegmentReader(): SegmentReader;
  apiKeys: ApiKeyStore;
  /** Checks credentials, for HTTP and graphql-ws alike. */
  auth: Authenticator;
  /** Who did what: privacy requests, merges, unmerges, reviews, credentials. */
  audit: AuditLog;
  /** A person's data export and erasure. */
  privacy: PrivacyService;
  /** Consent statements per purpose. */
  consent: ConsentService;
  /** Keyed stand-ins for ids derived from personal values (consent ids, masked event ids). */
  opaqueIds: OpaqueIds;
  /** Readiness checks, sources and job queues, read live (`operationsStatus`). */
  operations: OperationsStatus;
}

export interface ServiceOptions {
  /** Where merges and matching decisions are counted; null: nowhere (tools). */
  metrics: ProcessMetrics | null;
  /** When the match model is due for training; by default a job for the workers. */
  onTrainingDue?: () => void;
  /** The gold documents (reads go through them, erasure empties them); null: none. */
  gold: GoldAccess | null;
}

/**
 * The domain services over a process's stores: what every process (gateway, worker,
 * benchmark, evaluation, test) runs, wired the same way. Nothing here decides anything:
 * each rule lives with its domain (matching on arrival, cache forgetting, announcements).
 */
export function createServices(
  stores: Stores,
  config: Config,
  logger: Logger,
  options: ServiceOptions,
): Services {
  const identity = identityServices(stores, config, logger, options);
  const { policy, resolver, graph, matching, events } = identity;
  const { identityGraph: store, orders: orderStore, pubsub, jobs } = stores;
  forgetWhatOthersChange({ pubsub, events, store, logger });
  const sources = createSources(config.sources, { store, orderStore }, stores.staleCache, logger);
  const segments = new SegmentDefinitions(stores.segments);
  const apiKeys = new ApiKeyStore(stores.apiKeys);
  const opaqueIds = new OpaqueIds(stores.settings, config.auth.idSecret);
  const floorDecisions = new FloorDecisions();
  return {
    ...identity,
    config,
    logger,
    store,
    apiKeys,
    auth: new Authenticator({
      enabled: config.auth.enabled,
      apiKeys,
      jwt: config.auth.jwt ? new JwtVerifier(config.auth.jwt) : null,
      adminKey: config.auth.adminKey,
      pubsub,
      logger,
    }),
    opaqueIds,
    audit: new AuditLog(stores.auditTrail, logger),
    privacy: new PrivacyService({
      store,
      personData: stores.personData,
      matchData: stores.personMatchData,
      orderStore,
      bronze: stores.bronze,
      policy,
      graph,
      pubsub,
      jobs,
      scrub: stores.mentionScrub,
      sweepDelayMs: config.privacy.erasureSweepDelayMs,
      gold: options.gold,
      logger,
    }),
    consent: new ConsentService(policy, resolver, opaqueIds),
    crmContacts: new CrmContactService(
      policy,
      resolver,
      matching && matchOnArrival(matching, jobs && ((id) => jobs.matchLater(id)), logger),
    ),
    orders: new OrderService(orderStore, policy, resolver, enrichLater(jobs)),
    intake: new EventIntake(events, stores.bronze, {
      liveMaxEvents: config.ingest.liveMaxEvents,
      maxBacklog: config.ingest.maxBacklog,
      waitTimeoutMs: config.ingest.waitTimeoutMs,
      retryAfterSeconds: config.ingest.retryAfterSeconds,
      leaseMs: config.pipeline.leaseMs,
    }),
    orderStore,
    sources,
    segments,
    clusterings: new ClusteringDefinitions(stores.clusterings),
    segmentHealth: stores.segmentHealth,
    jobs,
    operations: operationsStatus(stores, sources),
    pubsub,
    gold: options.gold,
    newProfileReader: () => new ProfileReader(store, policy, options.gold),
    newProfileSources: () => new ProfileSources(sources, new SourceLoaders()),
    newSegmentReader: () =>
      new SegmentReader(segments, stores.segmentMembership, {
        personalTraits: identity.personalTraits,
        sizeFloor: config.privacy.segmentSizeFloor,
        decisions: floorDecisions,
      }),
  };
}

/**
 * The operations view reads the very objects `/readyz` (the stores' readiness checks) and
 * `/metrics` (the sources, the queues) read, so the three never disagree.
 */
const operationsStatus = (stores: Stores, sources: SourceSet): OperationsStatus =>
  new OperationsStatus({
    readiness: stores.readiness,
    sources: sources.all,
    queues: stores.jobs?.all() ?? [],
  });

/** Queueing never fails a write (see JobQueue.enrich); without queues, nothing is queued. */
const enrichLater =
  (jobs: JobQueue | null) =>
  (profileIds: string[], lane: Lane = currentLane()): Promise<void> =>
    jobs?.enrich(profileIds, undefined, lane) ?? Promise.resolve();

/** Identity resolution, matching, merges and ingestion: the services that change profiles. */
function identityServices(stores: Stores, config: Config, logger: Logger, options: ServiceOptions) {
  const { identityGraph: store, pubsub, jobs } = stores;
  const { metrics } = options;
  const policy = new IdentifierPolicy(config.identity);
  const enrich = enrichLater(jobs);
  const graph = new IdentityGraph(store, undefined, {
    profileChanged: announceProfileChanges({ enrich, pubsub, logger }),
    merged: (reason) => metrics?.identityMerges.inc({ reason: reason.toLowerCase() }),
  });
  const personalTraits = new PersonalTraits(stores.personalTraitKeys, logger);
  const resolver = new IdentityResolver(store, graph, config.identity.limits, personalTraits);
  const matching = config.identity.matching.enabled
    ? new MatchingService({
        stores: stores.matching,
        graph,
        store,
        thresholds: {
          merge: config.identity.matching.mergeThreshold,
          review: config.identity.matching.reviewThreshold,
          conflict: config.identity.matching.conflictThreshold,
          settle: config.identity.matching.settleThreshold,
        },
        logger,
        onTrainingDue: options.onTrainingDue ?? (() => void jobs?.train()),
        onDecision: (outcome) => metrics?.matchingDecisions.inc({ outcome }),
      })
    : null;
  const events = new EventIngestionService(
    store,
    policy,
    resolver,
    config.ingest.maxEventsPerRequest,
    enrich,
    config.ingest.eventTime,
  );
  const identityAdmin = new IdentityAdmin(store, graph, {
    rememberDifferent: async (a, b, reason) => {
      await matching?.reviews.reject(a, b, reason);
    },
    announceSplit: async (profileIds) => {
      events.forgetMerges(profileIds);
      await announceSplit(pubsub, profileIds);
    },
  });
  return { policy, graph, personalTraits, resolver, matching, events, identityAdmin };
}
