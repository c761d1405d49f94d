import { eventLogName } from '../ingest/eventBatchWriter';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { EventDoc, EventType } from '../store/models';

export interface EventsRequest {
  /** The profile cluster: the live profile and every profile merged into it. */
  members: string[];
  first: number;
  /** Per member log, the slot below which reading continues (from a cursor). */
  after: Record<string, number> | null;
  type: EventType | null;
  name: string | null;
  /** Whether to compute `stats` (it may cost a look-up per long log). */
  stats: boolean;
}

export interface EventStats {
  count: number;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
}

export interface EventsAnswer {
  events: EventDoc[];
  hasNextPage: boolean;
  /** Where the next page starts, per member log. */
  next: Record<string, number>;
  stats: EventStats;
}

/** Entries read per member log per round trip while paging backwards. */
const CHUNK = 25;
/** A filtered page stops after scanning this many entries, and says there may be more. */
const MAX_SCAN = 2_000;

interface Cursor {
  member: string;
  /** Unread entries are the slots below this. */
  pos: number;
  buffer: { seq: number; data: EventDoc; at: Date }[];
}

type EventLog = IdentityGraphStore['eventLog'];
type Tail = Awaited<ReturnType<EventLog['readTail']>>;

/**
 * Behavioral events, kept by ingestion in one append-only log per profile. A page is
 * the cluster's member logs merged newest first (by arrival); aggregates come from the
 * logs' ends. Every read is a look-up by `_id`.
 */
export function createEventsSource(store: IdentityGraphStore) {
  const log = store.eventLog;

  async function loadMany(requests: readonly EventsRequest[]): Promise<EventsAnswer[]> {
    // One tail read per member log for the whole batch, deep enough for every request
    // that starts from the newest event; it also gives each log's length.
    const depth = new Map<string, number>();
    for (const r of requests)
      for (const m of r.members)
        depth.set(m, Math.max(depth.get(m) ?? 1, r.after === null ? r.first + 1 : 1));
    const tails = new Map(
      await Promise.all(
        [...depth].map(async ([m, n]) => [m, await log.readTail(eventLogName(m), n)] as const),
      ),
    );
    const statMembers = new Set(requests.filter((r) => r.stats).flatMap((r) => r.members));
    const firstAt = new Map(
      await Promise.all(
        [...statMembers].map(async (m) => [m, await firstArrival(m, tails.get(m)!)] as const),
      ),
    );
    return Promise.all(requests.map((r) => answer(r, tails, firstAt)));
  }

  /** When the log's first entry arrived: in the tail for short logs, one look-up otherwise. */
  async function firstArrival(member: string, tail: Tail): Promise<Date | null> {
    if (tail.length === 0) return null;
    const head = tail.entries[0];
    if (head?.seq === 0) return head.at;
    return (await log.readRange(eventLogName(member), 0, 1))[0]?.at ?? null;
  }

  async function answer(
    r: EventsRequest,
    tails: Map<string, Tail>,
    firstAt: Map<string, Date | null>,
  ): Promise<EventsAnswer> {
    const stats = clusterStats(r.members, tails, firstAt);
    const cursors = startCursors(r, tails);
    const { events, hasNextPage } = await readPage(log, r, cursors);
    return { events, hasNextPage, next: positions(cursors), stats };
  }

  return {
    name: 'events',
    keyedBy: 'PROFILE' as const,
    maxBatchSize: 1_000,
    requestKey: (r: EventsRequest) =>
      JSON.stringify([[...r.members].sort(), r.first, r.after, r.type, r.name, r.stats]),
    loadMany,
  };
}

/** Count, first and last arrival over the cluster's logs, from their tails (and heads). */
function clusterStats(
  members: string[],
  tails: Map<string, Tail>,
  firstAt: Map<string, Date | null>,
): EventStats {
  const stats: EventStats = { count: 0, firstSeenAt: null, lastSeenAt: null };
  for (const m of members) {
    const tail = tails.get(m)!;
    stats.count += tail.length;
    const last = tail.entries.at(-1)?.at;
    if (last && (stats.lastSeenAt === null || last > stats.lastSeenAt)) stats.lastSeenAt = last;
    const first = firstAt.get(m);
    if (first && (stats.firstSeenAt === null || first < stats.firstSeenAt))
      stats.firstSeenAt = first;
  }
  return stats;
}

/**
 * Where reading starts in each member log: at the request's cursor (nothing buffered), or,
 * for a first page, at the newest entries, which the tail read holds already.
 */
function startCursors(r: EventsRequest, tails: Map<string, Tail>): Cursor[] {
  return r.members.map((member) => {
    const tail = tails.get(member)!;
    if (r.after !== null)
      return { member, pos: Math.min(r.after[member] ?? tail.length, tail.length), buffer: [] };
    return {
      member,
      pos: tail.entries[0]?.seq ?? tail.length,
      buffer: [...tail.entries].reverse(),
    };
  });
}

/**
 * Takes the newest unread entry across the cursors until the page holds `r.first`
 * matching events, the scan limit is reached, or every log is read; the cursors are left
 * where the next page starts.
 */
async function readPage(
  log: EventLog,
  r: EventsRequest,
  cursors: Cursor[],
): Promise<{ events: EventDoc[]; hasNextPage: boolean }> {
  const events: EventDoc[] = [];
  const seen = new Set<string>();
  let scanned = 0;
  for (;;) {
    if (events.length === r.first || scanned >= MAX_SCAN) {
      // Exact without filters; with filters, "there are older entries to look at".
      return { events, hasNextPage: cursors.some((c) => c.buffer.length > 0 || c.pos > 0) };
    }
    await refillDrained(log, cursors);
    const newest = newestCursor(cursors);
    if (newest === null) return { events, hasNextPage: false };
    const entry = newest.buffer.shift()!;
    scanned++;
    // A retried ingestion can log an event twice; it is one event.
    if (seen.has(entry.data._id) || !matches(entry.data, r)) continue;
    seen.add(entry.data._id);
    events.push(entry.data);
  }
}

/** Refills every drained log that still has older entries, in one burst. */
async function refillDrained(log: EventLog, cursors: Cursor[]): Promise<void> {
  await Promise.all(
    cursors
      .filter((c) => c.buffer.length === 0 && c.pos > 0)
      .map(async (c) => {
        const from = Math.max(0, c.pos - CHUNK);
        const entries = await log.readRange(eventLogName(c.member), from, c.pos - from);
        c.buffer = entries.reverse();
        c.pos = from;
      }),
  );
}

/** The cursor whose next entry arrived last (the first such in member order); null: all read. */
function newestCursor(cursors: Cursor[]): Cursor | null {
  let newest: Cursor | null = null;
  for (const c of cursors) {
    const head = c.buffer[0];
    if (head && (newest === null || head.at > newest.buffer[0]!.at)) newest = c;
  }
  return newest;
}

function matches(e: EventDoc, r: EventsRequest): boolean {
  if (r.type !== null && e.type !== r.type) return false;
  if (r.name !== null && e.event !== r.name && e.name !== r.name) return false;
  return true;
}

/** Unread positions: the slot below which each log still has entries to return. */
function positions(cursors: Cursor[]): Record<string, number> {
  return Object.fromEntries(cursors.map((c) => [c.member, c.pos + c.buffer.length]));
}
