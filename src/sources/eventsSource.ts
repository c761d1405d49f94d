import { eventLogName } from '../ingest/eventIngestionService';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { EventIndexEntry, EventType } from '../store/models';

export interface EventsRequest {
  /** The profile cluster: the live profile and every profile merged into it. */
  members: string[];
  first: number;
  /** Per member log, the slot below which reading continues (from a cursor). */
  after: Record<string, number> | null;
  type: EventType | null;
  name: string | null;
}

export interface EventStats {
  count: number;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
}

export interface EventsAnswer {
  events: EventIndexEntry[];
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
  buffer: { seq: number; data: EventIndexEntry; at: Date }[];
}

/**
 * Behavioral events, kept by ingestion in one append-only log per profile. A page is
 * the cluster's member logs merged newest first (by arrival); aggregates come from the
 * logs' ends. Every read is a look-up by `_id`.
 */
export function createEventsSource(store: IdentityGraphStore) {
  const log = store.eventLog;

  async function answer(r: EventsRequest): Promise<EventsAnswer> {
    const lengths = await Promise.all(r.members.map((m) => log.length(eventLogName(m))));
    const ends = await Promise.all(
      r.members.map((m, i) =>
        lengths[i]! === 0
          ? Promise.resolve([])
          : Promise.all([
              log.readRange(eventLogName(m), 0, 1),
              log.readRange(eventLogName(m), lengths[i]! - 1, 1),
            ]),
      ),
    );
    const stats: EventStats = { count: 0, firstSeenAt: null, lastSeenAt: null };
    lengths.forEach((n, i) => {
      stats.count += n;
      const [first, last] = ends[i] as { at: Date }[][];
      const firstAt = first?.[0]?.at;
      const lastAt = last?.[0]?.at;
      if (firstAt && (stats.firstSeenAt === null || firstAt < stats.firstSeenAt)) stats.firstSeenAt = firstAt;
      if (lastAt && (stats.lastSeenAt === null || lastAt > stats.lastSeenAt)) stats.lastSeenAt = lastAt;
    });

    const cursors: Cursor[] = r.members.map((member, i) => ({
      member,
      pos: Math.min(r.after?.[member] ?? lengths[i]!, lengths[i]!),
      buffer: [],
    }));
    const events: EventsAnswer['events'] = [];
    const seen = new Set<string>();
    let scanned = 0;
    let hasNextPage = false;
    for (;;) {
      if (events.length === r.first || scanned >= MAX_SCAN) {
        // Exact without filters; with filters, "there are older entries to look at".
        hasNextPage = cursors.some((c) => c.buffer.length > 0 || c.pos > 0);
        break;
      }
      // Refill every drained log that still has older entries, in one burst.
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
      let newest: Cursor | null = null;
      for (const c of cursors) {
        const head = c.buffer[0];
        if (head && (newest === null || head.at > newest.buffer[0]!.at)) newest = c;
      }
      if (newest === null) break;
      const entry = newest.buffer.shift()!;
      scanned++;
      // A retried ingestion can log an event twice; it is one event.
      if (seen.has(entry.data._id) || !matches(entry.data, r)) continue;
      seen.add(entry.data._id);
      events.push(entry.data);
    }
    const next = positions(cursors);
    return { events, hasNextPage, next, stats };
  }

  return {
    name: 'events',
    keyedBy: 'PROFILE' as const,
    maxBatchSize: 200,
    requestKey: (r: EventsRequest) => JSON.stringify([[...r.members].sort(), r.first, r.after, r.type, r.name]),
    loadMany: (requests: readonly EventsRequest[]) => Promise.all(requests.map(answer)),
  };
}

function matches(e: EventIndexEntry, r: EventsRequest): boolean {
  if (r.type !== null && e.type !== r.type) return false;
  if (r.name !== null && e.event !== r.name && e.name !== r.name) return false;
  return true;
}

/** Unread positions: the slot below which each log still has entries to return. */
function positions(cursors: Cursor[]): Record<string, number> {
  return Object.fromEntries(cursors.map((c) => [c.member, c.pos + c.buffer.length]));
}
