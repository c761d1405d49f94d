import { deserialize } from 'bson';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { GoldProfile } from '../../src/profiles/goldDocuments';

/**
 * Anchor 2 of the profile read: the least work that answers the frontend query once the
 * gold document exists: one Redis read of the profile's gold document (its id known in
 * advance) and one SQL statement for the order aggregates. No HTTP, no GraphQL, no
 * identity look-up, no fence check.
 */
export interface RawGoldAnswer {
  id: string;
  eventIds: string[];
  segmentIds: string[];
  orderCount: number;
  totals: { currency: string; amount: number }[];
}

export async function readGoldRaw(
  redis: Redis,
  pg: Pool,
  goldKey: string,
  customerIds: string[],
  events: number,
): Promise<RawGoldAnswer> {
  const [doc, stats] = await Promise.all([
    redis.hgetBuffer(goldKey, 'd'),
    pg.query<{ currency: string; n: string; total: string }>(
      `SELECT currency, count(*) AS n, sum(total)::text AS total FROM orders
       WHERE customer_id = ANY($1::text[]) AND status IN ('pending', 'completed')
       GROUP BY currency`,
      [customerIds],
    ),
  ]);
  if (doc === null) throw new Error(`no gold document at ${goldKey}`);
  const gold = deserialize(doc) as GoldProfile;
  const totals = stats.rows
    .map((r) => ({ currency: r.currency.trim(), count: Number(r.n), amount: Number(r.total) }))
    .sort((x, y) => y.count - x.count || (x.currency < y.currency ? -1 : 1));
  return {
    id: gold.profile._id,
    eventIds: gold.events.slice(0, events).map((e) => e._id),
    segmentIds: gold.segmentIds,
    orderCount: totals.reduce((n, t) => n + t.count, 0),
    totals: totals.map(({ currency, amount }) => ({ currency, amount })),
  };
}
