import { createHash } from 'node:crypto';
import { badInput } from '../errors';
import type { IdentifierPolicy, RawIdentifier } from '../identity/identifierPolicy';
import { identityKey, type Identifier } from '../identity/kinds';
import { sortByPriority } from '../identity/normalise';
import type { IdentityResolver } from '../identity/resolver';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { Logger } from 'pino';
import type { EventClaimDoc, EventDoc, EventType } from '../store/models';
import { EventBatchWriter, eventLogName } from './eventBatchWriter';
import { assertNoConsentKeys, segmentCategoryPreferences } from '../consent/consent';
import { IngestionMemory } from './ingestionMemory';
import { yieldToLive, type Lane } from './lanes';
import { DEFAULT_EVENT_TIME_BOUNDS, assertEventTime, type EventTimeBounds } from './eventTime';
import { assertJsonObject, canonicalJson } from '../validation/json';

/** An event in the Segment tracking spec's shape (the GraphQL `EventInput`). */
export interface EventInput {
  type: EventType;
  messageId?: string | null;
  event?: string | null;
  name?: string | null;
  userId?: string | null;
  anonymousId?: string | null;
  previousId?: string | null;
  groupId?: string | null;
  traits?: unknown;
  properties?: unknown;
  context?: unknown;
  timestamp?: Date | null;
}

export interface EventOutcome {
  messageId: string;
  profileId: string;
  duplicate: boolean;
}

export interface ApplyOptions {
  /** The pipeline's batch id: it recovers the batch itself (see EventBatchWriter.write). */
  batchId?: string;
  /** When each event was accepted (default: now), by messageId. */
  acceptedAt?: ReadonlyMap<string, Date>;
  /** The lane of each event (default: live), by messageId. */
  laneOf?: ReadonlyMap<string, Lane>;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  outcomes: EventOutcome[];
}

/**
 * An event validated and normalised at the door: what the bronze store keeps, and what
 * the resolution pipeline applies (plain JSON but for its dates, see `bronzeEvents.ts`).
 */
export interface PreparedEvent {
  messageId: string;
  input: EventInput;
  identifiers: Identifier[];
  /** For alias: the previous id, whose kind is decided against the store. */
  previousId: string | null;
  traits: Record<string, unknown>;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: Date;
  hash: string;
}

const MAX_MESSAGE_ID_LENGTH = 200;
const MAX_NAME_LENGTH = 200;
/** Groups of related events resolved at once within one request. */
const RESOLVE_CONCURRENCY = 8;
/**
 * An identity whose profile has no view yet is normal for this long (its creator is
 * still building it); after that, the creator died, and the event goes through the
 * resolver, which repairs the profile.
 */
const VIEW_GRACE_MS = 10_000;

export { eventLogName };

/**
 * Ingests Segment-style events: validates the whole batch before writing anything,
 * attributes each event to a profile, then stores the batch in a few round trips.
 *
 * Attribution takes the fast path for what most traffic is (a known visitor's track and
 * page calls): when every identifier of the event is already owned by one profile, the
 * event joins that profile's log with no resolution at all. Everything else (new
 * visitors, identify with traits, alias, identifiers owned by different profiles) goes
 * through the identity resolver. Events that share an identifier are attributed in
 * request order (an identify must be seen by the track calls after it); unrelated ones
 * are resolved concurrently.
 */
export class EventIngestionService {
  private readonly memory = new IngestionMemory();

  /** See `IngestionMemory.forgetMerges`. */
  forgetMerges(profileIds: string[]): void {
    this.memory.forgetMerges(profileIds);
  }

  /** See `IngestionMemory.forgetProfiles`. */
  forgetProfiles(profileIds: string[]): void {
    this.memory.forgetProfiles(profileIds);
  }
  readonly writer: EventBatchWriter;
  /** Events attributed without resolution, and through the resolver (for the benchmark). */
  readonly counters = { fastPath: 0, resolved: 0 };

  constructor(
    private readonly store: IdentityGraphStore,
    private readonly policy: IdentifierPolicy,
    private readonly resolver: IdentityResolver,
    private readonly maxEventsPerRequest: number,
    /** Told which profiles got new events, by lane (enrichment recomputes their traits). */
    private readonly onStored: (profileIds: string[], lane: Lane) => Promise<void> = () =>
      Promise.resolve(),
    /** How old or how far ahead an event's time may be (`config.ingest.eventTime`). */
    private readonly timeBounds: EventTimeBounds = DEFAULT_EVENT_TIME_BOUNDS,
  ) {
    this.writer = new EventBatchWriter(store);
  }

  /** Validates, attributes and stores events at once (tools, tests and the pipeline's core). */
  async ingest(events: readonly EventInput[], field = 'events'): Promise<IngestResult> {
    return this.apply(this.validate(events, field));
  }

  /**
   * Checks the whole batch before anything is written: throws a BAD_USER_INPUT naming the
   * first bad field, or returns every event normalised, each with its messageId.
   */
  validate(events: readonly EventInput[], field = 'events'): PreparedEvent[] {
    if (events.length === 0) throw badInput(field, 'at least one event is required');
    if (events.length > this.maxEventsPerRequest) {
      throw badInput(
        field,
        `at most ${this.maxEventsPerRequest} events per request, got ${events.length}`,
      );
    }
    return events.map((e, i) => this.prepare(e, `${field}[${i}]`));
  }

  /**
   * Attributes validated events to profiles and stores them, exactly once per messageId:
   * an event stored before (by any writer) is a duplicate and changes nothing.
   */
  async apply(
    prepared: readonly PreparedEvent[],
    options: ApplyOptions = {},
  ): Promise<IngestResult> {
    // A messageId repeated within the request is one event: the first occurrence counts.
    const unique = new Map<string, PreparedEvent>();
    for (const e of prepared) if (!unique.has(e.messageId)) unique.set(e.messageId, e);
    const profileOf = await this.attribute([...unique.values()]);

    const now = new Date();
    const docs: EventDoc[] = [...unique.values()].map((e) => ({
      _id: e.messageId,
      profileId: profileOf.get(e.messageId)!,
      type: e.input.type,
      event: e.input.event ?? null,
      name: e.input.name ?? null,
      userId: e.input.userId ?? null,
      anonymousId: e.input.anonymousId ?? null,
      properties: e.properties,
      traits: e.traits,
      context: e.context,
      timestamp: e.timestamp,
      receivedAt: options.acceptedAt?.get(e.messageId) ?? now,
    }));
    await yieldToLive();
    const stored = await this.writer.write(
      docs,
      options.batchId === undefined ? undefined : { batchId: options.batchId },
    );
    // An event stored before keeps the profile it was first attributed to.
    const earlier = stored.size > 0 ? await this.store.getEventClaims([...stored]) : new Map();

    const counted = new Set<string>();
    const outcomes = prepared.map((e): EventOutcome => {
      const duplicate = stored.has(e.messageId) || counted.has(e.messageId);
      counted.add(e.messageId);
      const profileId =
        (earlier.get(e.messageId) as EventClaimDoc | undefined)?.profileId ??
        profileOf.get(e.messageId)!;
      return { messageId: e.messageId, profileId, duplicate };
    });
    const duplicates = outcomes.filter((o) => o.duplicate).length;
    // By cluster as far as this process knows it, so a burst for one person is one job;
    // a profile with any live event is enriched in the live lane.
    const laneOfProfile = new Map<string, Lane>();
    for (const d of docs) {
      if (stored.has(d._id)) continue;
      const top = this.knownTop(d.profileId);
      const lane = options.laneOf?.get(d._id) ?? 'live';
      if (laneOfProfile.get(top) !== 'live') laneOfProfile.set(top, lane);
    }
    for (const lane of ['live', 'bulk'] as const) {
      const ids = [...laneOfProfile].filter(([, l]) => l === lane).map(([id]) => id);
      if (ids.length > 0) await this.onStored(ids, lane);
    }
    return { accepted: outcomes.length - duplicates, duplicates, outcomes };
  }

  /** Finishes the batches of writers that died mid-write (see EventBatchWriter). */
  recoverAbandoned(logger: Logger, now?: Date): Promise<number> {
    return this.writer.recoverAbandoned(logger, now);
  }

  /** Decides the profile of each event; returns messageId → profile id. */
  private async attribute(events: PreparedEvent[]): Promise<Map<string, string>> {
    const keysOf = events.map((e) => e.identifiers.map(identityKey));
    await this.learnOwners([...new Set(keysOf.flat())]);
    await this.learnMerges(keysOf);

    const profileOf = new Map<string, string>();
    // An alias's previousId may be either kind: it orders the alias after both.
    const groups = groupBySharedKeys(
      events.map((e, i) =>
        e.previousId === null
          ? keysOf[i]!
          : [...keysOf[i]!, `user_id:${e.previousId}`, `anonymous_id:${e.previousId}`],
      ),
    );
    let next = 0;
    const work = async () => {
      while (next < groups.length) {
        const group = groups[next++]!;
        await yieldToLive();
        // Owners learnt while resolving this group (a new visitor's first event creates
        // the profile its next events join).
        const local = new Map<string, string>();
        for (const i of group) {
          const e = events[i]!;
          const keys = keysOf[i]!;
          const owner = this.fastPathOwner(e, keys, local);
          if (owner !== null) {
            profileOf.set(e.messageId, owner);
            this.counters.fastPath++;
            continue;
          }
          // Resolution writes (traits, links): an event stored before must not write again,
          // even if its payload differs (a client re-sending with a new timestamp).
          const stored = (await this.store.getEventClaims([e.messageId])).get(e.messageId);
          if (stored !== undefined) {
            profileOf.set(e.messageId, stored.profileId);
            continue;
          }
          const result = await this.resolve(e);
          this.counters.resolved++;
          profileOf.set(e.messageId, result.profileId);
          for (const doc of result.claimed) this.memory.rememberOwner(doc);
          // A profile created just now has an empty event log: no need to look it up.
          if (result.created) this.store.eventLog.noteLength(eventLogName(result.profileId), 0);
          for (const doc of result.claimed) this.memory.rememberView(doc.profileId);
          this.memory.rememberView(result.profileId);
          for (const merged of result.mergedProfileIds)
            if (merged !== result.profileId) this.memory.rememberMerge(merged, result.profileId);
          const skipped = new Set(result.skipped.map((s) => identityKey(s.identifier)));
          for (const key of keys) if (!skipped.has(key)) local.set(key, result.profileId);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(RESOLVE_CONCURRENCY, groups.length) }, work));
    return profileOf;
  }

  /** The profile an event joins without resolution, or null when it needs the resolver. */
  private fastPathOwner(
    e: PreparedEvent,
    keys: string[],
    local: Map<string, string>,
  ): string | null {
    if (e.previousId !== null) return null; // alias links ids by definition
    if (e.input.type === 'identify' && Object.keys(e.traits).length > 0) return null; // a trait record
    let owner: string | null = null;
    for (const key of keys) {
      const known = local.get(key) ?? this.memory.owner(key)?.profileId;
      if (known === undefined || (owner !== null && known !== owner)) return null;
      owner = known;
    }
    if (owner === null) return null;
    if (this.memory.hasView(owner)) return owner;
    const young = keys.some((k) => {
      const doc = this.memory.owner(k);
      return doc !== undefined && Date.now() - doc.createdAt.getTime() < VIEW_GRACE_MS;
    });
    return young ? owner : null;
  }

  /** Follows merges known to this process (a known merge never changes). */
  private knownTop(profileId: string): string {
    let current = profileId;
    for (let hop = 0; hop < 64; hop++) {
      const parent = this.memory.parentOf(current);
      if (parent === undefined) return current;
      current = parent;
    }
    return current;
  }

  /**
   * For events whose identifiers are owned by different profiles, learns the merges
   * between them (a few pointer look-ups, once per process), so that a returning
   * customer's device and user id are seen as one cluster without resolution.
   */
  private async learnMerges(keysOf: string[][]): Promise<void> {
    for (let round = 0; round < 8; round++) {
      const ends = new Set<string>();
      for (const keys of keysOf) {
        const tops = new Set<string>();
        for (const key of keys) {
          const owner = this.memory.owner(key)?.profileId;
          if (owner !== undefined) tops.add(this.knownTop(owner));
        }
        if (tops.size > 1) for (const t of tops) ends.add(t);
      }
      if (ends.size === 0) return;
      const pointers = await this.store.getMergePointers([...ends]);
      if (pointers.size === 0) return; // distinct live clusters: the resolver decides
      for (const p of pointers.values()) this.memory.rememberMerge(p._id, p.into);
    }
  }

  /** Looks up the owners of identity keys this process has not seen yet. */
  private async learnOwners(keys: string[]): Promise<void> {
    const unknown = keys.filter((k) => this.memory.owner(k) === undefined);
    if (unknown.length === 0) return;
    const owned = await this.store.getIdentities(unknown);
    for (const doc of owned.values()) this.memory.rememberOwner(doc);
    const profiles = [...new Set([...owned.values()].map((d) => d.profileId))].filter(
      (p) => !this.memory.hasView(p),
    );
    if (profiles.length === 0) return;
    const views = await this.store.getProfiles(profiles);
    for (const id of views.keys()) this.memory.rememberView(id);
  }

  private async resolve(e: PreparedEvent) {
    const identifiers = [...e.identifiers];
    if (e.previousId !== null) identifiers.push(await this.previousIdentifier(e.previousId));
    const isIdentifyWithTraits = e.input.type === 'identify' && Object.keys(e.traits).length > 0;
    return this.resolver.resolve({
      recordId: `event:${e.messageId}`,
      source: 'events',
      identifiers: sortByPriority(dedupe(identifiers)),
      traitRecord: isIdentifyWithTraits
        ? { traits: e.traits, hash: e.hash, observedAt: e.timestamp, payload: e.input }
        : undefined,
      reason: e.input.type === 'alias' ? 'ALIAS' : 'SHARED_IDENTIFIER',
    });
  }

  /**
   * Segment's alias names the previous id without saying what it is: if it is a known
   * userId we link that, otherwise it is the anonymous id the visitor had before.
   */
  private async previousIdentifier(previousId: string): Promise<Identifier> {
    const asUser = this.policy.normalise('USER_ID', previousId, 'previousId');
    const known = await this.store.getIdentities([identityKey(asUser)]);
    if (known.size > 0) return asUser;
    return this.policy.normalise('ANONYMOUS_ID', previousId, 'previousId');
  }

  private prepare(input: EventInput, field: string): PreparedEvent {
    const optionalObject = (value: unknown, name: string) =>
      value === undefined || value === null ? {} : assertJsonObject(value, `${field}.${name}`);
    const traits = optionalObject(input.traits, 'traits');
    const properties = optionalObject(input.properties, 'properties');
    const context = optionalObject(input.context, 'context');
    assertNoConsentKeys(traits, `${field}.traits`);

    for (const name of ['event', 'name', 'groupId'] as const) {
      const v = input[name];
      if (v !== undefined && v !== null && v.length > MAX_NAME_LENGTH) {
        throw badInput(`${field}.${name}`, `longer than ${MAX_NAME_LENGTH} characters`);
      }
    }
    if (input.type === 'track' && !input.event?.trim())
      throw badInput(`${field}.event`, 'a track event needs an event name');
    if (input.type === 'alias' && !input.previousId?.trim())
      throw badInput(`${field}.previousId`, 'an alias event needs a previousId');
    if (input.type === 'alias' && !input.userId?.trim())
      throw badInput(`${field}.userId`, 'an alias event needs a userId');

    const raw: RawIdentifier[] = [];
    if (input.userId != null)
      raw.push({ kind: 'USER_ID', value: input.userId, field: `${field}.userId` });
    if (input.anonymousId != null)
      raw.push({ kind: 'ANONYMOUS_ID', value: input.anonymousId, field: `${field}.anonymousId` });
    if (input.type === 'identify') {
      if (traits.email !== undefined && traits.email !== null) {
        if (typeof traits.email !== 'string')
          throw badInput(`${field}.traits.email`, 'expected a string');
        raw.push({ kind: 'EMAIL', value: traits.email, field: `${field}.traits.email` });
      }
      if (traits.phone !== undefined && traits.phone !== null) {
        if (typeof traits.phone !== 'string')
          throw badInput(`${field}.traits.phone`, 'expected a string');
        raw.push({ kind: 'PHONE', value: traits.phone, field: `${field}.traits.phone` });
      }
    }
    const { usable } = this.policy.prepare(raw);
    if (input.previousId != null)
      this.policy.normalise('ANONYMOUS_ID', input.previousId, `${field}.previousId`);
    if (usable.length === 0) {
      throw badInput(
        field,
        'an event needs a userId or anonymousId that is not blank or a placeholder value',
      );
    }
    if (input.type === 'identify') {
      // Store the normalised forms, so traits agree with the identifiers they came from.
      const email = usable.find((i) => i.kind === 'EMAIL');
      const phone = usable.find((i) => i.kind === 'PHONE');
      if (email) traits.email = email.value;
      if (phone) traits.phone = phone.value;
      // Segment's consent categories ride on the identify call's context.
      Object.assign(traits, segmentCategoryPreferences(context, `${field}.context`));
    }

    const timestamp = input.timestamp ?? new Date();
    if (Number.isNaN(timestamp.getTime()))
      throw badInput(`${field}.timestamp`, 'not a valid date-time');
    // The same check as the tracking API's (`fromSegmentCall`), so both accept the same times.
    assertEventTime(timestamp, `${field}.timestamp`, this.timeBounds);

    const hash = createHash('sha256')
      .update(canonicalJson({ ...input, timestamp: input.timestamp ?? null }))
      .digest('base64url');
    let messageId = input.messageId?.trim() ?? '';
    if (messageId.length > MAX_MESSAGE_ID_LENGTH) {
      throw badInput(`${field}.messageId`, `longer than ${MAX_MESSAGE_ID_LENGTH} characters`);
    }
    // Without a messageId, identical events are the same event: derive one from the content.
    if (messageId === '') messageId = `content-${hash}`;

    return {
      messageId,
      input,
      identifiers: usable,
      previousId: input.type === 'alias' ? input.previousId!.trim() : null,
      traits,
      properties,
      context,
      timestamp,
      hash,
    };
  }
}

/**
 * Groups events (by index) so that events sharing an identity key are in one group, in
 * request order; groups are independent of each other.
 */
export function groupBySharedKeys(keysOf: string[][]): number[][] {
  const parent = keysOf.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstWithKey = new Map<string, number>();
  keysOf.forEach((keys, i) => {
    for (const key of keys) {
      const j = firstWithKey.get(key);
      if (j === undefined) firstWithKey.set(key, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, number[]>();
  keysOf.forEach((_, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  return [...groups.values()];
}

function dedupe(identifiers: Identifier[]): Identifier[] {
  const seen = new Set<string>();
  return identifiers.filter((i) => !seen.has(identityKey(i)) && seen.add(identityKey(i)));
}
