import { createHash } from 'node:crypto';
import { badInput } from '../errors';
import type { IdentifierPolicy, RawIdentifier } from '../identity/identifierPolicy';
import { identityKey, type Identifier } from '../identity/kinds';
import { sortByPriority } from '../identity/normalise';
import type { IdentityResolver } from '../identity/resolver';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { EventDoc, EventType } from '../store/models';
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

export interface IngestResult {
  accepted: number;
  duplicates: number;
  outcomes: EventOutcome[];
}

interface PreparedEvent {
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
/** How long an unindexed event is left to the writer that stored it before a retry indexes it. */
const INDEX_GRACE_MS = 30_000;

export const eventLogName = (profileId: string): string => `events:${profileId}`;
const MAX_NAME_LENGTH = 200;
/** Events stamped further in the future than this are clock errors, not data. */
const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * Ingests Segment-style events: validates the whole batch before writing anything, then
 * resolves each event's identifiers and stores it once per messageId.
 */
export class EventIngestionService {
  constructor(
    private readonly store: IdentityGraphStore,
    private readonly policy: IdentifierPolicy,
    private readonly resolver: IdentityResolver,
    private readonly maxEventsPerRequest: number,
  ) {}

  async ingest(events: readonly EventInput[], field = 'events'): Promise<IngestResult> {
    if (events.length === 0) throw badInput(field, 'at least one event is required');
    if (events.length > this.maxEventsPerRequest) {
      throw badInput(
        field,
        `at most ${this.maxEventsPerRequest} events per request, got ${events.length}`,
      );
    }
    const prepared = events.map((e, i) => this.prepare(e, `${field}[${i}]`));

    const outcomes: EventOutcome[] = [];
    // In order: an identify earlier in a batch must be visible to the track calls after it.
    for (const event of prepared) outcomes.push(await this.store1(event));
    const duplicates = outcomes.filter((o) => o.duplicate).length;
    return { accepted: outcomes.length - duplicates, duplicates, outcomes };
  }

  private async store1(e: PreparedEvent): Promise<EventOutcome> {
    const existing = (await this.store.getEvents([e.messageId])).get(e.messageId);
    if (existing) {
      // A writer that stored the event but died before indexing it left it unindexed;
      // the client's retry finishes the job (after a grace period, so we do not race a
      // writer that is still at it).
      if (
        existing.indexedAt === null &&
        Date.now() - existing.receivedAt.getTime() > INDEX_GRACE_MS
      ) {
        await this.index(existing);
      }
      return { messageId: e.messageId, profileId: existing.profileId, duplicate: true };
    }

    const identifiers = [...e.identifiers];
    if (e.previousId !== null) identifiers.push(await this.previousIdentifier(e.previousId));
    const isIdentifyWithTraits = e.input.type === 'identify' && Object.keys(e.traits).length > 0;
    const resolution = await this.resolver.resolve({
      recordId: `event:${e.messageId}`,
      source: 'events',
      identifiers: sortByPriority(identifiers),
      traitRecord: isIdentifyWithTraits
        ? { traits: e.traits, hash: e.hash, observedAt: e.timestamp, payload: e.input }
        : undefined,
      reason: e.input.type === 'alias' ? 'ALIAS' : 'SHARED_IDENTIFIER',
    });

    const event: EventDoc = {
      _id: e.messageId,
      profileId: resolution.profileId,
      type: e.input.type,
      event: e.input.event ?? null,
      name: e.input.name ?? null,
      userId: e.input.userId ?? null,
      anonymousId: e.input.anonymousId ?? null,
      properties: e.properties,
      traits: e.traits,
      context: e.context,
      timestamp: e.timestamp,
      receivedAt: new Date(),
      indexedAt: null,
    };
    const inserted = await this.store.insertEvent(event);
    if (inserted) await this.index(event);
    return { messageId: e.messageId, profileId: resolution.profileId, duplicate: !inserted };
  }

  /** Appends the event to its profile's event log, then marks it indexed. */
  private async index({ indexedAt: _unused, ...event }: EventDoc): Promise<void> {
    const seq = await this.store.eventLog.append(eventLogName(event.profileId), event);
    await this.store.markEventIndexed(event._id, seq);
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
    }

    const timestamp = input.timestamp ?? new Date();
    if (Number.isNaN(timestamp.getTime()))
      throw badInput(`${field}.timestamp`, 'not a valid date-time');
    if (timestamp.getTime() > Date.now() + MAX_CLOCK_SKEW_MS) {
      throw badInput(
        `${field}.timestamp`,
        `${timestamp.toISOString()} is more than a day in the future`,
      );
    }

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
