import type { Collection, Db } from 'mongodb';
import type { Pool } from 'pg';
import { COLLECTION_NAMES } from '../../src/store/mongo/collections';
import type {
  EventDoc,
  IdentityDoc,
  LogEntryDoc,
  LogTailDoc,
  MergePointerDoc,
  ProfileDoc,
} from '../../src/store/models';

/**
 * The practical limit for `profileByIdentifier { ...recentEvents(first: N) orders(first: M)
 * orderStats }`: the same look-ups the gateway makes, by `_id` only (the one query
 * FerretDB's SQLite backend answers from an index), with the same round-trip structure,
 * written straight against the drivers, then the profile's orders from PostgreSQL in one
 * statement. No GraphQL, no HTTP, no DataLoader, no normalisation, no source timeouts or
 * cache: what is left is the cost of the reads themselves.
 */
export interface RawProfileRead {
  id: string;
  identifiers: ProfileDoc['identifiers'];
  traits: ProfileDoc['traits'];
  sources: { name: string; contributions: number }[];
  recentEvents: { id: string; type: string; event: string | null; timestamp: Date }[];
  /** The newest orders of the profile's customer ids, newest first. */
  orders: RawOrder[];
  /** Over the pending and completed orders, as the gateway's `orderStats`. */
  orderStats: { count: number; totals: { currency: string; amount: number }[] };
  /** Not part of the query; lets the bench check the seed exercised the merge path. */
  mergedFrom: string[];
}

export interface RawOrder {
  orderId: string;
  total: number;
  placedAt: Date;
}

export interface RawStores {
  identities: Collection<IdentityDoc>;
  profiles: Collection<ProfileDoc>;
  mergePointers: Collection<MergePointerDoc>;
  logTails: Collection<LogTailDoc>;
  eventLog: Collection<LogEntryDoc<EventDoc>>;
  /** PostgreSQL, with the orders table's schema on the search path. */
  orders: Pool;
}

const MAX_HOPS = 64;

export function rawStores(db: Db, orders: Pool): RawStores {
  return {
    identities: db.collection(COLLECTION_NAMES.identities),
    profiles: db.collection(COLLECTION_NAMES.profiles),
    mergePointers: db.collection(COLLECTION_NAMES.mergePointers),
    logTails: db.collection(COLLECTION_NAMES.logTails),
    eventLog: db.collection(COLLECTION_NAMES.eventLog),
    orders,
  };
}

/** `email` must already be in normalised (lower-case) form, as the seed writes it. */
export async function readProfileByEmail(
  c: RawStores,
  email: string,
  eventCount: number,
  orderCount: number,
): Promise<RawProfileRead | null> {
  const identity = await c.identities.findOne({ _id: `email:${email}` });
  if (identity === null) return null;

  let id = identity.profileId;
  let profile: ProfileDoc | null = null;
  for (let hop = 0; ; hop++) {
    if (hop > MAX_HOPS) throw new Error(`merge chain longer than ${MAX_HOPS} from ${email}`);
    // The pointer is read with the view because a view may lag its pointer.
    const [doc, pointer] = await Promise.all([
      c.profiles.findOne({ _id: id }),
      c.mergePointers.findOne({ _id: id }),
    ]);
    const next = pointer?.into ?? doc?.mergedInto ?? null;
    if (next === null) {
      profile = doc;
      break;
    }
    id = next;
  }
  if (profile === null) return null;

  const members = [profile._id, ...profile.mergedFrom];
  const tails = await Promise.all(members.map((m) => lastEntries(c, `events:${m}`, eventCount)));
  // Event-log entries carry the events themselves: no second look-up per event.
  const seen = new Set<string>();
  const events: EventDoc[] = [];
  for (const e of tails.flat().sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq)) {
    if (seen.has(e.data._id)) continue;
    seen.add(e.data._id);
    events.push(e.data);
    if (events.length === eventCount) break;
  }

  const customerIds = profile.identifiers
    .filter((i) => i.kind === 'CUSTOMER_ID')
    .map((i) => i.value);
  const { orders, orderStats } =
    customerIds.length === 0
      ? { orders: [], orderStats: { count: 0, totals: [] } }
      : await readOrders(c.orders, customerIds, orderCount);

  return {
    id: profile._id,
    identifiers: profile.identifiers,
    traits: profile.traits,
    sources: profile.sources.map((s) => ({ name: s.name, contributions: s.contributions })),
    recentEvents: events.map((e) => ({
      id: e._id,
      type: e.type,
      event: e.event,
      timestamp: e.timestamp,
    })),
    orders,
    orderStats,
    mergedFrom: profile.mergedFrom,
  };
}

/**
 * A customer's newest orders and its purchase aggregates in one round trip: the page and
 * the per-currency sums as two halves of one result.
 */
async function readOrders(
  pool: Pool,
  customerIds: string[],
  count: number,
): Promise<Pick<RawProfileRead, 'orders' | 'orderStats'>> {
  const { rows } = await pool.query<{
    kind: 'order' | 'stats';
    order_id: string | null;
    placed_at: Date | null;
    currency: string | null;
    total: string;
    n: string | null;
  }>(
    `WITH matched AS (
       SELECT order_id, placed_at, status, currency, total
       FROM orders WHERE customer_id = ANY($1::text[])
     ), page AS (
       SELECT order_id, placed_at, total FROM matched
       ORDER BY placed_at DESC, order_id DESC LIMIT $2
     )
     SELECT 'order' AS kind, order_id, placed_at, NULL AS currency, total::text AS total,
            NULL::bigint AS n
     FROM page
     UNION ALL
     SELECT 'stats', NULL, NULL, currency, sum(total)::text, count(*)
     FROM matched WHERE status IN ('pending', 'completed')
     GROUP BY currency
     ORDER BY kind, placed_at DESC, order_id DESC`,
    [customerIds, count],
  );
  const orders: RawOrder[] = [];
  const totals: { currency: string; count: number; amount: number }[] = [];
  for (const row of rows) {
    if (row.kind === 'order') {
      orders.push({ orderId: row.order_id!, total: Number(row.total), placedAt: row.placed_at! });
    } else {
      totals.push({
        currency: row.currency!.trim(),
        count: Number(row.n),
        amount: Number(row.total),
      });
    }
  }
  // The most used currency first, as the gateway lists them.
  totals.sort((x, y) => y.count - x.count || (x.currency < y.currency ? -1 : 1));
  return {
    orders,
    orderStats: {
      count: totals.reduce((n, t) => n + t.count, 0),
      totals: totals.map((t) => ({ currency: t.currency, amount: t.amount })),
    },
  };
}

/** The last `count` entries of a log: start at the tail hint, probe forward to the end. */
async function lastEntries(
  c: RawStores,
  log: string,
  count: number,
): Promise<LogEntryDoc<EventDoc>[]> {
  // What a careful hand-written reader does without any memory between calls: start at
  // the stored hint, read a window past it in parallel (for short logs that is every
  // entry), then, only if the window was full, probe ahead at doubling offsets.
  const slot = (seq: number) => c.eventLog.findOne({ _id: `${log}#${seq}` });
  const hint = (await c.logTails.findOne({ _id: log }))?.length ?? 0;
  const window = await Promise.all(Array.from({ length: 8 }, (_, i) => slot(hint + i)));
  const found = window.findIndex((d) => d === null);
  let length = hint + (found === -1 ? window.length : found);
  if (found === -1) {
    const exists = async (seq: number) =>
      (await c.eventLog.findOne({ _id: `${log}#${seq}` }, { projection: { _id: 1 } })) !== null;
    let lo = length - 1; // exists
    let hi: number | null = null; // missing
    while (hi === null) {
      const offsets = [1, 2, 4, 8, 16, 32, 64];
      const present = await Promise.all(offsets.map((k) => exists(lo + k)));
      const miss = present.indexOf(false);
      if (miss === -1) lo += 64;
      else {
        hi = lo + offsets[miss]!;
        if (miss > 0) lo += offsets[miss - 1]!;
      }
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await exists(mid)) lo = mid;
      else hi = mid;
    }
    length = hi;
  }
  const have = new Map(
    window.filter((d): d is LogEntryDoc<EventDoc> => d !== null).map((d) => [d.seq, d]),
  );
  const seqs: number[] = [];
  for (let seq = Math.max(0, length - count); seq < length; seq++) seqs.push(seq);
  const docs = await Promise.all(seqs.map((seq) => Promise.resolve(have.get(seq) ?? slot(seq))));
  return docs.filter((d): d is LogEntryDoc<EventDoc> => d !== null);
}
