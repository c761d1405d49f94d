import type { Logger } from 'pino';
import type { Config } from './config/env';
import { CrmContactService } from './crm/crmContactService';
import { IdentifierPolicy } from './identity/identifierPolicy';
import { IdentityAdmin } from './identity/identityAdmin';
import { IdentityGraph, profileLogName, type KnownState } from './identity/identityGraph';
import { MatchingService } from './matching/matchingService';
import { IdentityResolver } from './identity/resolver';
import { EventIngestionService, eventLogName } from './ingest/eventIngestionService';
import { OrderService } from './orders/orderService';
import type { OrderStore } from './orders/orderStore';
import { PersonalTraits, type PersonalTraitKeyStore } from './profiles/personalTraits';
import { ProfileReader } from './profiles/profileReader';
import { announceProfileChanges } from './profiles/profileUpdates';
import { ProfileSources } from './profiles/profileSources';
import { createSources, type SourceSet } from './sources/registry';
import { SourceLoaders } from './sources/sourceLoaders';
import type { StaleCache } from './sources/staleCache';
import type { JobQueue } from './workers/queues';
import { FloorDecisions, SegmentReader } from './segments/segmentReader';
import { SegmentDefinitions } from './segments/segmentDefinitions';
import type { SegmentMembership } from './segments/segmentMembership';
import type { SegmentStore } from './segments/segmentStore';
import type { PubSub } from './pubsub/pubSub';
import { AuditLog } from './audit/auditLog';
import { ApiKeyStore } from './auth/apiKeys';
import { Authenticator } from './auth/authenticator';
import { JwtVerifier } from './auth/jwt';
import { OpaqueIds, type SettingsStore } from './auth/opaqueIds';
import type { IdentityGraphStore } from './store/identityGraphStore';
import type { PersonDataStore } from './store/personDataStore';
import type { Pool } from './store/postgres/connection';
import { openMatchingStores } from './store/postgres/matchingStores';
import { PostgresApiKeys } from './store/postgres/postgresApiKeys';
import { PostgresAuditTrail } from './store/postgres/postgresAuditTrail';
import { PostgresPersonMatchData } from './store/postgres/postgresPersonMatchData';
import { ConsentService } from './consent/consentService';
import type { MentionScrub } from './privacy/mentionScrub';
import {
  PERSON_ERASURES_CHANNEL,
  PrivacyService,
  type PersonErasureMessage,
} from './privacy/privacyService';

/** Profiles whose merge pointers an unmerge changed: every process forgets what it cached of them. */
export const IDENTITY_SPLITS_CHANNEL = 'identity-splits';
export interface IdentitySplitMessage {
  profileIds: string[];
}

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
  events: EventIngestionService;
  orders: OrderService;
  orderStore: OrderStore;
  sources: SourceSet;
  segments: SegmentDefinitions;
  jobs: JobQueue | null;
  pubsub: PubSub;
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
}

export function createServices(deps: {
  config: Config;
  logger: Logger;
  store: IdentityGraphStore;
  orderStore: OrderStore;
  /** PostgreSQL: orders and the matching index. */
  pg: Pool;
  staleCache: StaleCache;
  pubsub: PubSub;
  /** Where work for `npm run worker` is queued; null runs without workers (some tests). */
  jobs: JobQueue | null;
  /** When the match model is due for training; by default a job for the workers. */
  onTrainingDue?: () => void;
  /** Deployment-wide settings (the opaque-id secret when none is configured). */
  settings: SettingsStore;
  personalTraitKeys: PersonalTraitKeyStore;
  segmentStore: SegmentStore;
  segmentMembership: SegmentMembership;
  personData: PersonDataStore;
  /** What erasures remove the person's mentions from the caches and job queues with. */
  mentionScrub: MentionScrub;
}): Services {
  const { config, logger, store, orderStore, pubsub } = deps;
  const policy = new IdentifierPolicy(config.identity);
  // Queueing never fails a write (see JobQueue.enrich).
  const enrich = (profileIds: string[]) => deps.jobs?.enrich(profileIds) ?? Promise.resolve();
  const graph = new IdentityGraph(store, undefined, {
    profileChanged: announceProfileChanges({ enrich, pubsub, logger }),
  });
  const personalTraits = new PersonalTraits(deps.personalTraitKeys, logger);
  const resolver = new IdentityResolver(store, graph, config.identity.limits, personalTraits);
  const matchingConfig = config.identity.matching;
  const matching = matchingConfig.enabled
    ? new MatchingService({
        stores: openMatchingStores(deps.pg, logger),
        graph,
        store,
        thresholds: {
          merge: matchingConfig.mergeThreshold,
          review: matchingConfig.reviewThreshold,
        },
        logger,
        onTrainingDue: deps.onTrainingDue ?? (() => void deps.jobs?.train()),
      })
    : null;
  // Matching a contact never fails its write: the contact is stored and resolved already,
  // so a matching failure (PostgreSQL down) is queued for a worker to retry.
  const afterContactResolved = matching
    ? async (
        recordId: string,
        owner: string,
        traits: Record<string, unknown>,
        profileId: string,
        known: KnownState,
      ) => {
        try {
          return (
            (await matching.matcher.onRecord(recordId, owner, traits, known)).profileId ?? profileId
          );
        } catch (err) {
          logger.warn({ err, recordId }, 'matching failed; queued for a worker');
          await deps.jobs
            ?.matchLater(recordId)
            .catch((e: unknown) => logger.error({ err: e, recordId }, 'could not queue matching'));
          return profileId;
        }
      }
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
      const message: IdentitySplitMessage = { profileIds };
      await pubsub.publish(IDENTITY_SPLITS_CHANNEL, message);
    },
  });
  void forgetSplitsAnnouncedElsewhere(pubsub, events, logger);
  void forgetErasuresAnnouncedElsewhere(pubsub, events, store, logger);
  const privacy = new PrivacyService({
    store,
    personData: deps.personData,
    matchData: new PostgresPersonMatchData(deps.pg),
    orderStore,
    policy,
    graph,
    pubsub,
    jobs: deps.jobs,
    scrub: deps.mentionScrub,
    sweepDelayMs: config.privacy.erasureSweepDelayMs,
    logger,
  });
  const sources = createSources(config.sources, { store, orderStore }, deps.staleCache, logger);
  const segments = new SegmentDefinitions(deps.segmentStore);
  const apiKeys = new ApiKeyStore(new PostgresApiKeys(deps.pg));
  const auth = new Authenticator({
    enabled: config.auth.enabled,
    apiKeys,
    jwt: config.auth.jwt ? new JwtVerifier(config.auth.jwt) : null,
    adminKey: config.auth.adminKey,
    pubsub,
    logger,
  });
  const floorDecisions = new FloorDecisions();
  const opaqueIds = new OpaqueIds(deps.settings, config.auth.idSecret);
  return {
    apiKeys,
    auth,
    opaqueIds,
    audit: new AuditLog(new PostgresAuditTrail(deps.pg), logger),
    privacy,
    consent: new ConsentService(policy, resolver, opaqueIds),
    config,
    logger,
    store,
    policy,
    graph,
    resolver,
    personalTraits,
    crmContacts: new CrmContactService(policy, resolver, afterContactResolved),
    matching,
    identityAdmin,
    events,
    orders: new OrderService(orderStore, policy, resolver, enrich),
    orderStore,
    sources,
    segments,
    jobs: deps.jobs,
    pubsub,
    newProfileReader: () => new ProfileReader(store, policy),
    newProfileSources: () => new ProfileSources(sources, new SourceLoaders()),
    newSegmentReader: () =>
      new SegmentReader(segments, deps.segmentMembership, {
        personalTraits,
        sizeFloor: config.privacy.segmentSizeFloor,
        decisions: floorDecisions,
      }),
  };
}

/**
 * Ingestion remembers merge pointers in-process (they never change, except by unmerge):
 * an unmerge anywhere makes every process forget the pointers it changed. Delivery is at
 * most once, so an unmerge's effect on a process that missed the message is bounded by
 * that process's cache: events still land in the log of the profile owning their ids.
 */
async function forgetSplitsAnnouncedElsewhere(
  pubsub: PubSub,
  events: EventIngestionService,
  logger: Logger,
): Promise<void> {
  try {
    for await (const message of pubsub.subscribe<IdentitySplitMessage>(IDENTITY_SPLITS_CHANNEL))
      events.forgetMerges(message.profileIds);
  } catch (err) {
    logger.warn({ err }, 'stopped listening for unmerges');
  }
}

/**
 * A person erased anywhere: every process forgets what ingestion and the logs cached of
 * their profiles (the identity cache is keyed by their identifier values). Announced
 * before anything is deleted; a process that misses the message can only append to
 * profiles that no longer exist, which the erasure's sweep removes.
 */
async function forgetErasuresAnnouncedElsewhere(
  pubsub: PubSub,
  events: EventIngestionService,
  store: IdentityGraphStore,
  logger: Logger,
): Promise<void> {
  try {
    for await (const { profileIds } of pubsub.subscribe<PersonErasureMessage>(
      PERSON_ERASURES_CHANNEL,
    )) {
      events.forgetProfiles(profileIds);
      store.profileLog.forget(profileIds.map(profileLogName));
      store.eventLog.forget(profileIds.map(eventLogName));
    }
  } catch (err) {
    logger.warn({ err }, 'stopped listening for erasures');
  }
}
