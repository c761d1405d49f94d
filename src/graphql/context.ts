import type { Logger } from 'pino';
import type { AuditLog } from '../audit/auditLog';
import type { ApiKeyStore } from '../auth/apiKeys';
import type { Authenticator } from '../auth/authenticator';
import type { OpaqueIds } from '../auth/opaqueIds';
import type { Principal } from '../auth/roles';
import type { ConsentService } from '../consent/consentService';
import type { CrmContactService } from '../crm/crmContactService';
import type { IdentityAdmin } from '../identity/identityAdmin';
import type { EventIntake } from '../ingest/eventIntake';
import type { MatchingService } from '../matching/matchingService';
import type { OperationsStatus } from '../observability/operationsStatus';
import type { OrderService } from '../orders/orderService';
import type { PrivacyService } from '../privacy/privacyService';
import type { PersonalTraits } from '../profiles/personalTraits';
import type { ProfileReader } from '../profiles/profileReader';
import type { ProfileSources } from '../profiles/profileSources';
import type { PubSub } from '../pubsub/pubSub';
import type { SegmentReader } from '../segments/segmentReader';
import type { SegmentDefinitions } from '../segments/segmentDefinitions';
import type { ClusteringDefinitions } from '../clustering/clusteringDefinitions';
import type { SegmentHealthStore } from '../segments/healthStore';
import type { JobQueue } from '../workers/queues';

/**
 * What a GraphQL operation may use: exactly the services its resolvers and the `@auth` and
 * `@pii` directives call, and the request-scoped readers. Each resolver file declares the
 * part it needs (a `Pick` of this), so a field's dependencies are in its type.
 */
export interface GraphQLContext {
  /** Who is asking, checked: every `@auth` and `@pii` decision is made from this. */
  principal: Principal;
  /** Keyed stand-ins for ids that may spell personal data (`@pii(kind: OPAQUE_ID)`). */
  opaqueIds: OpaqueIds;

  // Request-scoped: their DataLoaders cache for one operation only.
  profiles: ProfileReader;
  /** The federated sources of a profile; `sourceIssuesExtension` reports what failed. */
  sources: ProfileSources;
  segments: SegmentReader;

  // Shared by every operation of the process.
  apiKeys: ApiKeyStore;
  audit: AuditLog;
  /** Told of revocations, so every replica's open subscriptions of that key close. */
  auth: Pick<Authenticator, 'revoked'>;
  consent: ConsentService;
  crmContacts: CrmContactService;
  /** Event ingestion's front door (bronze), and the pipeline's status. */
  intake: EventIntake;
  identityAdmin: IdentityAdmin;
  /** Segment definitions (the store, unlike `segments`, which reads members and sizes). */
  segmentDefinitions: SegmentDefinitions;
  /** Clustering definitions and their runs. */
  clusterings: ClusteringDefinitions;
  /** Segments' health points. */
  segmentHealth: SegmentHealthStore;
  /** Where a segment refresh or a refit is queued; null runs without workers (some tests). */
  jobs: Pick<JobQueue, 'refreshSegments' | 'refreshClustering' | 'scheduleClustering'> | null;
  /** Probabilistic matching; null when switched off (MOSAIC_MATCHING=off). */
  matching: MatchingService | null;
  orders: OrderService;
  /** This process's dependencies, sources and job queues (`operationsStatus`). */
  operations: Pick<OperationsStatus, 'report'>;
  personalTraits: PersonalTraits;
  privacy: PrivacyService;
  pubsub: PubSub;
  /**
   * Fresh readers, for subscriptions: one operation lives as long as its subscription,
   * so each event is read anew instead of from the operation's cache.
   */
  newProfileReader: () => ProfileReader;
  newSegmentReader: () => SegmentReader;
  logger: Logger;
}

/**
 * What contexts are built from: the process's services, under the names src/services.ts
 * gives them (where `segments` is the store), so the gateway passes them as they are.
 */
export type ContextServices = Omit<
  GraphQLContext,
  'principal' | 'profiles' | 'sources' | 'segments' | 'segmentDefinitions'
> & {
  segments: SegmentDefinitions;
  newProfileSources: () => ProfileSources;
};

/**
 * The one place contexts are made, for HTTP and graphql-ws alike: the shared services
 * picked once, fresh request-scoped readers for every operation.
 */
export function contextFactory(
  services: ContextServices,
): (principal: Principal) => GraphQLContext {
  const shared: Omit<GraphQLContext, 'principal' | 'profiles' | 'sources' | 'segments'> = {
    opaqueIds: services.opaqueIds,
    apiKeys: services.apiKeys,
    audit: services.audit,
    auth: services.auth,
    consent: services.consent,
    crmContacts: services.crmContacts,
    intake: services.intake,
    identityAdmin: services.identityAdmin,
    segmentDefinitions: services.segments,
    clusterings: services.clusterings,
    segmentHealth: services.segmentHealth,
    jobs: services.jobs,
    matching: services.matching,
    orders: services.orders,
    operations: services.operations,
    personalTraits: services.personalTraits,
    privacy: services.privacy,
    pubsub: services.pubsub,
    newProfileReader: () => services.newProfileReader(),
    newSegmentReader: () => services.newSegmentReader(),
    logger: services.logger,
  };
  return (principal) => ({
    ...shared,
    principal,
    profiles: services.newProfileReader(),
    sources: services.newProfileSources(),
    segments: services.newSegmentReader(),
  });
}
