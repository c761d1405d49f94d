import type { Logger } from 'pino';
import { newId } from '../ids';
import { ErrorCode, MosaicError } from '../errors';
import type { IdentifierPolicy } from '../identity/identifierPolicy';
import type { IdentityGraph } from '../identity/identityGraph';
import { identityKey, type Identifier, type IdentifierKind } from '../identity/kinds';
import type { PersonMatchDataStore } from '../matching/personMatchData';
import type { BronzeEvents } from '../ingest/bronzeEvents';
import type { OrderStore } from '../orders/orderStore';
import type { PubSub } from '../pubsub/pubSub';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { PersonDataStore } from '../store/personDataStore';
import type { JobQueue } from '../workers/queues';
import type { MentionScrub } from './mentionScrub';
import { PersonEraser } from './personEraser';
import type { GoldAccess } from '../profiles/goldAccess';
import { personExport } from './personExport';
import { collectFootprint, personNeedles, type PersonFootprint } from './personFootprint';

/** Profiles erased: every process forgets what it cached of them. Ids only. */
export const PERSON_ERASURES_CHANNEL = 'person-erasures';
export interface PersonErasureMessage {
  profileIds: string[];
}

export interface ErasureResult {
  erasureId: string;
  profileIds: string[];
  /** Documents, rows and keys removed, per collection, table or cache. */
  counts: Record<string, number>;
  /** When the follow-up sweep is due (null without a job queue: run `sweep` yourself). */
  sweepAt: Date | null;
}

export interface PrivacyServiceDeps {
  store: IdentityGraphStore;
  personData: PersonDataStore;
  matchData: PersonMatchDataStore;
  orderStore: OrderStore;
  /** Accepted events (bronze): the person's are erased with the rest. */
  bronze: Pick<BronzeEvents, 'erase'>;
  policy: IdentifierPolicy;
  graph: IdentityGraph;
  pubsub: PubSub;
  jobs: JobQueue | null;
  /** Removes the person's mentions from the caches and job queues (Redis). */
  scrub: MentionScrub;
  /** How long after an erasure its sweep runs: longer than any write in flight takes. */
  sweepDelayMs: number;
  /** The gold documents (stored and hot): erasure empties them of the person. */
  gold: GoldAccess | null;
  logger: Logger;
  now?: () => Date;
}

/**
 * Privacy requests about one person, found by any of their identifiers: export of
 * everything held about them, and erasure from every collection, table, cache and queue.
 *
 * Erasure cannot be one transaction (there are none across these stores), and writers
 * may be adding to the person's profiles while it runs. So it is recorded first (ids
 * only), then runs one pass over what the profiles hold, then a sweep some time later
 * finds by scans whatever writers in flight added since and erases that too. A new
 * record carrying the person's identifiers *after* the erasure starts a new profile: the
 * erasure forgets a person, it does not block them from coming back.
 */
export class PrivacyService {
  private readonly eraser: PersonEraser;

  constructor(private readonly deps: PrivacyServiceDeps) {
    this.eraser = new PersonEraser({
      store: deps.store,
      personData: deps.personData,
      matchData: deps.matchData,
      orderStore: deps.orderStore,
      bronze: deps.bronze,
      scrub: deps.scrub,
      jobs: deps.jobs,
      announce: async (profileIds) => {
        const message: PersonErasureMessage = { profileIds };
        await deps.pubsub.publish(PERSON_ERASURES_CHANNEL, message);
      },
      forgetHot: async (profileIds, identityKeys) => {
        if (deps.gold === null) return;
        // Fenced now or failed: an erasure must not report success with a copy left. A
        // stored fence deletes the document too; one filled by a read racing the erasure
        // is deleted by the sweep's fence.
        await deps.gold.fences.fenceNow(profileIds);
        await deps.gold.hot?.forgetIdentities(identityKeys);
      },
    });
  }

  /** The live profile holding the identifier; NOT_FOUND (without echoing the value) if none. */
  async locate(
    kind: IdentifierKind,
    value: string,
  ): Promise<{ identifier: Identifier; rootId: string }> {
    const identifier = this.deps.policy.normalise(kind, value, 'value');
    const owner = (await this.deps.store.getIdentities([identityKey(identifier)])).get(
      identityKey(identifier),
    );
    if (owner === undefined)
      throw new MosaicError(ErrorCode.NOT_FOUND, `No profile holds that ${kind} identifier`);
    return { identifier, rootId: await this.deps.graph.rootOf(owner.profileId) };
  }

  /** Everything held about the person `locate` found. */
  async exportPerson(person: {
    identifier: Identifier;
    rootId: string;
  }): Promise<Record<string, unknown>> {
    const { identifier, rootId } = person;
    const f = await this.footprint([rootId], rootId, false);
    const customerIds = f.identities.filter((i) => i.kind === 'CUSTOMER_ID').map((i) => i.value);
    const [orders, matching] = await Promise.all([
      this.deps.orderStore.allOf(customerIds),
      this.deps.matchData.export(
        f.records.map((r) => r._id),
        f.profileIds,
      ),
    ]);
    return personExport(f, { identifier, orders, matching, exportedAt: this.now() });
  }

  /** Erases the person whose profile is `rootId` (see `locate`). */
  async erase(rootId: string, requestedBy: string): Promise<ErasureResult> {
    const f = await this.footprint([rootId], rootId, false);
    const erasureId = newId(this.now().getTime());
    await this.deps.personData.insertErasure({
      _id: erasureId,
      profileIds: f.profileIds,
      requestedBy,
      status: 'running',
      requestedAt: this.now(),
      finishedAt: null,
      sweptAt: null,
      counts: {},
      sweepCounts: {},
    });
    // The sweep is queued before anything is deleted: an erasure that fails half-way (the
    // person can then no longer be found by identifier) is finished by it.
    let sweepAt: Date | null = null;
    if (this.deps.jobs !== null) {
      await this.deps.jobs.sweepErasureLater(erasureId, this.deps.sweepDelayMs);
      sweepAt = new Date(this.now().getTime() + this.deps.sweepDelayMs);
    }
    const counts = await this.eraser.erasePass(f, this.needles(f), erasureId);
    await this.deps.personData.updateErasure(erasureId, {
      status: 'done',
      finishedAt: this.now(),
      counts,
    });
    this.deps.logger.info({ erasureId, profiles: f.profileIds.length }, 'person erased');
    return { erasureId, profileIds: f.profileIds, counts, sweepAt };
  }

  /**
   * The erasure's second pass: scans for anything its profiles gained after the first
   * (entries appended by writers in flight, profiles merged into them since) and erases
   * it. Idempotent; also finishes a first pass that was interrupted.
   */
  async sweep(erasureId: string): Promise<Record<string, number>> {
    const erasure = await this.deps.personData.getErasure(erasureId);
    if (erasure === null) return {};
    const f = await this.footprint(erasure.profileIds, erasure.profileIds[0]!, true);
    const counts = await this.eraser.erasePass(f, this.needles(f), erasureId);
    await this.deps.personData.updateErasure(erasureId, {
      profileIds: f.profileIds,
      sweptAt: this.now(),
      sweepCounts: counts,
      ...(erasure.status === 'running' ? { status: 'done' as const, finishedAt: this.now() } : {}),
    });
    return counts;
  }

  private footprint(ids: string[], rootId: string, thorough: boolean): Promise<PersonFootprint> {
    return collectFootprint(this.deps, ids, rootId, { thorough });
  }

  private needles(f: PersonFootprint): string[] {
    return personNeedles(f, (id) => this.deps.policy.isBlocked(id));
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
