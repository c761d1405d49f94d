import { ErrorCode, MosaicError, badInput } from '../errors';
import type { OrderCursor, OrderRow, OrderStats } from '../orders/orderStore';
import type { CrmRecord } from '../sources/crmSource';
import type { EventStats } from '../sources/eventsSource';
import type { SourceSet } from '../sources/registry';
import type { ResilientSource } from '../sources/resilientSource';
import type { SourceResult } from '../sources/sourceAdapter';
import type { SourceLoaders } from '../sources/sourceLoaders';
import type { EventDoc, EventType, ProfileDoc } from '../store/models';
import { MAX_PAGE_SIZE } from './profileReader';

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface SourceStatusView {
  source: string;
  available: boolean;
  stale: boolean;
  asOf: Date | null;
  error: string | null;
}

/**
 * The federated fields of a profile: each is answered by the source that owns it,
 * through the operation's loaders (so a page of profiles costs one batch per source),
 * and degrades to the cached answer, or to a field error, when the source is down.
 */
export class ProfileSources {
  constructor(
    private readonly sources: SourceSet,
    /** The operation's loaders; their `issues` say which sources did not answer. */
    readonly loaders: SourceLoaders,
  ) {}

  /** The profile's CRM contacts; `raw`: with each as the CRM sent it (a look-up more each). */
  async crmRecords(profile: ProfileDoc, raw: boolean): Promise<CrmRecord[]> {
    const crmIds = valuesOf(profile, 'CRM_ID');
    if (crmIds.length === 0) return [];
    return this.value(this.sources.crm, 'crm', { crmIds, raw });
  }

  async orders(profile: ProfileDoc, first: number, after: string | null): Promise<Page<OrderRow>> {
    checkPageSize(first);
    const customerIds = valuesOf(profile, 'CUSTOMER_ID');
    if (customerIds.length === 0) return emptyPage();
    const answer = await this.value(this.sources.orders, 'orders', {
      customerIds,
      first,
      after: after === null ? null : decodeOrderCursor(after),
    });
    const edges = answer.orders.map((o) => ({ cursor: encodeOrderCursor(o), node: o }));
    return {
      edges,
      pageInfo: { hasNextPage: answer.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  async orderStats(profile: ProfileDoc): Promise<OrderStats> {
    const customerIds = valuesOf(profile, 'CUSTOMER_ID');
    if (customerIds.length === 0)
      return { count: 0, totals: [], firstOrderAt: null, lastOrderAt: null };
    return (await this.value(this.sources.orders, 'orders', { customerIds, first: 0, after: null }))
      .stats;
  }

  async events(
    profile: ProfileDoc,
    args: { first: number; after: string | null; type: EventType | null; name: string | null },
  ): Promise<Page<EventDoc>> {
    checkPageSize(args.first);
    const members = membersOf(profile);
    const after = args.after === null ? null : decodeEventCursor(args.after, members);
    const answer = await this.value(this.sources.events, 'events', {
      members,
      ...args,
      after,
      stats: false,
    });
    const endCursor = encodeEventCursor(answer.next);
    // Positions are per page, not per event: every edge carries the page's end cursor.
    const edges = answer.events.map((e) => ({ cursor: endCursor, node: e }));
    return {
      edges,
      pageInfo: { hasNextPage: answer.hasNextPage, endCursor: edges.length > 0 ? endCursor : null },
    };
  }

  async eventStats(profile: ProfileDoc): Promise<EventStats> {
    const request = {
      members: membersOf(profile),
      first: 0,
      after: null,
      type: null,
      name: null,
      stats: true,
    };
    return (await this.value(this.sources.events, 'events', request)).stats;
  }

  /** Asks each enabled source for this profile's summary and reports how it answered. */
  async status(profile: ProfileDoc): Promise<SourceStatusView[]> {
    const checks: [string, Promise<SourceResult<unknown>> | null][] = [
      ['crm', this.result(this.sources.crm, { crmIds: valuesOf(profile, 'CRM_ID'), raw: false })],
      [
        'orders',
        this.result(this.sources.orders, {
          customerIds: valuesOf(profile, 'CUSTOMER_ID'),
          first: 0,
          after: null,
        }),
      ],
      [
        'events',
        this.result(this.sources.events, {
          members: membersOf(profile),
          first: 0,
          after: null,
          type: null,
          name: null,
          stats: false,
        }),
      ],
    ];
    const out: SourceStatusView[] = [];
    for (const [source, pending] of checks) {
      if (pending === null) continue;
      const r = await pending;
      out.push({
        source,
        available: r.value !== null,
        stale: r.stale && r.value !== null,
        asOf: r.asOf,
        error: r.error,
      });
    }
    return out;
  }

  private result<Req, Res>(
    source: ResilientSource<Req, Res> | null,
    request: Req,
  ): Promise<SourceResult<Res>> | null {
    return source === null ? null : this.loaders.load(source, request);
  }

  private async value<Req, Res>(
    source: ResilientSource<Req, Res> | null,
    name: string,
    request: Req,
  ): Promise<Res> {
    if (source === null)
      throw new MosaicError(
        ErrorCode.SOURCE_UNAVAILABLE,
        `The ${name} source is not enabled (MOSAIC_SOURCES).`,
      );
    const result = await this.loaders.load(source, request);
    if (result.value === null) {
      throw new MosaicError(
        ErrorCode.SOURCE_UNAVAILABLE,
        `The ${name} source did not answer (${result.error}) and no earlier answer is cached.`,
      );
    }
    return result.value;
  }
}

const valuesOf = (profile: ProfileDoc, kind: string): string[] =>
  profile.identifiers.filter((i) => i.kind === kind).map((i) => i.value);

const membersOf = (profile: ProfileDoc): string[] => [profile._id, ...profile.mergedFrom];

const emptyPage = <T>(): Page<T> => ({
  edges: [],
  pageInfo: { hasNextPage: false, endCursor: null },
});

function checkPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
    throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`);
}

function encodeOrderCursor(o: OrderRow): string {
  return Buffer.from(JSON.stringify(['order', o.placedAt.toISOString(), o.orderId])).toString(
    'base64url',
  );
}

function decodeOrderCursor(cursor: string): OrderCursor {
  const parsed = parseCursor(cursor);
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed[0] === 'order' &&
    typeof parsed[1] === 'string' &&
    typeof parsed[2] === 'string' &&
    !Number.isNaN(Date.parse(parsed[1]))
  ) {
    return { placedAt: new Date(parsed[1]), orderId: parsed[2] };
  }
  throw badCursor(cursor);
}

function encodeEventCursor(next: Record<string, number>): string {
  return Buffer.from(JSON.stringify(['events', next])).toString('base64url');
}

function decodeEventCursor(cursor: string, members: string[]): Record<string, number> {
  const parsed = parseCursor(cursor);
  if (Array.isArray(parsed) && parsed[0] === 'events' && parsed.length === 2) {
    const positions = parsed[1] as unknown;
    if (positions !== null && typeof positions === 'object') {
      const out: Record<string, number> = {};
      for (const [member, pos] of Object.entries(positions)) {
        if (!Number.isInteger(pos) || (pos as number) < 0) throw badCursor(cursor);
        out[member] = pos as number;
      }
      // A cursor from before a merge lacks the new members: they start from their end.
      if (Object.keys(out).every((m) => members.includes(m))) return out;
    }
  }
  throw badCursor(cursor);
}

function parseCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw badCursor(cursor);
  }
}

const badCursor = (cursor: string) =>
  badInput('after', `"${cursor.slice(0, 64)}" is not a cursor returned by this field`);
