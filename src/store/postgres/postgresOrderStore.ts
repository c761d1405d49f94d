import type { Pool } from 'pg';
import type {
  OrderItem,
  OrderRow,
  OrderStatus,
  OrderStore,
  OrderWrite,
  OrdersAnswer,
  OrdersRequest,
} from '../../orders/orderStore';

/** Statuses that count as a purchase in aggregates. */
const COUNTED = `status IN ('pending', 'completed')`;

/**
 * One row of `loadMany`'s statement: an order of a request's page, or one currency's
 * aggregates for a request.
 */
interface PageOrStatsRow {
  kind: 'order' | 'stats';
  req: number;
  rn: string | null;
  order_id: string | null;
  customer_id: string | null;
  placed_at: Date | null;
  status: OrderStatus | null;
  currency: string;
  total: string;
  items: OrderItem[] | null;
  n: string | null;
  first_at: Date | null;
  last_at: Date | null;
}

/**
 * Each request's page (newest first, after its cursor, one more than asked so a next page
 * shows) and its aggregates per currency, for every request at once: `$1`/`$2` pair each
 * customer id with its request, `$3`–`$6` give each request's page.
 */
const PAGES_AND_STATS = `WITH req AS (
   SELECT * FROM unnest($1::int[], $2::text[]) AS r(req, customer_id)
 ), page_spec AS (
   SELECT * FROM unnest($3::int[], $4::int[], $5::timestamptz[], $6::text[])
     AS p(req, lim, before_at, before_id)
 ), matched AS (
   SELECT DISTINCT ON (r.req, o.order_id) r.req, o.*
   FROM req r JOIN orders o ON o.customer_id = r.customer_id
 ), page AS (
   SELECT * FROM (
     SELECT m.*, p.lim,
            row_number() OVER (PARTITION BY m.req ORDER BY m.placed_at DESC, m.order_id DESC) AS rn
     FROM matched m JOIN page_spec p ON p.req = m.req
     WHERE p.before_at IS NULL OR (m.placed_at, m.order_id) < (p.before_at, p.before_id)
   ) ranked
   WHERE rn <= lim + 1
 ), stats AS (
   SELECT req, currency, count(*) AS n, sum(total) AS total,
          min(placed_at) AS first_at, max(placed_at) AS last_at
   FROM matched WHERE ${COUNTED}
   GROUP BY req, currency
 )
 SELECT 'order' AS kind, req, rn, order_id, customer_id, placed_at, status, currency,
        total::text AS total, items, NULL::bigint AS n, NULL::timestamptz AS first_at,
        NULL::timestamptz AS last_at
 FROM page
 UNION ALL
 SELECT 'stats', req, NULL, NULL, NULL, NULL, NULL, currency, total::text, NULL, n,
        first_at, last_at
 FROM stats
 ORDER BY req, kind, rn`;

/** The `OrderStore` on PostgreSQL's `orders` table. */
export class PostgresOrderStore implements OrderStore {
  statements = 0;

  constructor(private readonly pool: Pool) {}

  async upsert(orders: OrderWrite[]): Promise<Set<string>> {
    if (orders.length === 0) return new Set();
    this.statements++;
    const { rows } = await this.pool.query<{ order_id: string }>(
      `INSERT INTO orders AS o (order_id, customer_id, placed_at, status, currency, total, items, content_hash)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[],
                            $6::numeric[], $7::jsonb[], $8::text[])
       ON CONFLICT (order_id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, placed_at = EXCLUDED.placed_at,
         status = EXCLUDED.status, currency = EXCLUDED.currency, total = EXCLUDED.total,
         items = EXCLUDED.items, content_hash = EXCLUDED.content_hash, updated_at = now()
       WHERE o.content_hash <> EXCLUDED.content_hash
       RETURNING order_id`,
      [
        orders.map((o) => o.orderId),
        orders.map((o) => o.customerId),
        orders.map((o) => o.placedAt),
        orders.map((o) => o.status),
        orders.map((o) => o.currency),
        orders.map((o) => o.total.toString()),
        orders.map((o) => JSON.stringify(o.items)),
        orders.map((o) => o.contentHash),
      ],
    );
    return new Set(rows.map((r) => r.order_id));
  }

  async loadMany(requests: readonly OrdersRequest[]): Promise<OrdersAnswer[]> {
    const reqIds: number[] = [];
    const customerIds: string[] = [];
    requests.forEach((r, i) =>
      r.customerIds.forEach((c) => {
        reqIds.push(i);
        customerIds.push(c);
      }),
    );
    const answers: OrdersAnswer[] = requests.map(() => ({
      orders: [],
      hasNextPage: false,
      stats: { count: 0, totals: [], firstOrderAt: null, lastOrderAt: null },
    }));
    if (customerIds.length === 0) return answers;

    this.statements++;
    const { rows } = await this.pool.query<PageOrStatsRow>(PAGES_AND_STATS, [
      reqIds,
      customerIds,
      requests.map((_, i) => i),
      requests.map((r) => r.first),
      requests.map((r) => r.after?.placedAt ?? null),
      requests.map((r) => r.after?.orderId ?? null),
    ]);
    for (const row of rows) {
      const answer = answers[row.req]!;
      if (row.kind === 'order') addToPage(answer, row, requests[row.req]!.first);
      else addToStats(answer, row);
    }
    for (const a of answers)
      a.stats.totals.sort((x, y) => y.count - x.count || (x.currency < y.currency ? -1 : 1));
    return answers;
  }

  async allOf(customerIds: string[]): Promise<OrderRow[]> {
    if (customerIds.length === 0) return [];
    this.statements++;
    const { rows } = await this.pool.query<{
      order_id: string;
      customer_id: string;
      placed_at: Date;
      status: OrderStatus;
      currency: string;
      total: string;
      items: OrderItem[];
    }>(
      `SELECT order_id, customer_id, placed_at, status, currency, total::text AS total, items
       FROM orders WHERE customer_id = ANY($1) ORDER BY placed_at, order_id`,
      [customerIds],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      customerId: r.customer_id,
      placedAt: r.placed_at,
      status: r.status,
      currency: r.currency.trim(),
      total: Number(r.total),
      items: r.items,
    }));
  }

  async detach(customerIds: string[], replacement: string): Promise<number> {
    if (customerIds.length === 0) return 0;
    this.statements++;
    const { rowCount } = await this.pool.query(
      `UPDATE orders SET customer_id = $2, updated_at = now() WHERE customer_id = ANY($1)`,
      [customerIds, replacement],
    );
    return rowCount ?? 0;
  }
}

/** An order row of a request's page; the one beyond `first` only tells that a next page exists. */
function addToPage(answer: OrdersAnswer, row: PageOrStatsRow, first: number): void {
  if (answer.orders.length === first) {
    answer.hasNextPage = true;
    return;
  }
  answer.orders.push({
    orderId: row.order_id!,
    customerId: row.customer_id!,
    placedAt: row.placed_at!,
    status: row.status!,
    currency: row.currency.trim(),
    total: Number(row.total),
    items: row.items ?? [],
  });
}

/** One currency's aggregates, added to the request's totals. */
function addToStats(answer: OrdersAnswer, row: PageOrStatsRow): void {
  const s = answer.stats;
  const n = Number(row.n);
  s.count += n;
  s.totals.push({ currency: row.currency.trim(), count: n, amount: Number(row.total) });
  if (s.firstOrderAt === null || row.first_at! < s.firstOrderAt) s.firstOrderAt = row.first_at;
  if (s.lastOrderAt === null || row.last_at! > s.lastOrderAt) s.lastOrderAt = row.last_at;
}
