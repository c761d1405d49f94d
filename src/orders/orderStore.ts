import type { Pool } from 'pg';

export type OrderStatus = 'pending' | 'completed' | 'cancelled' | 'refunded';

export interface OrderItem {
  sku: string;
  name: string | null;
  quantity: number;
  unitPrice: number;
}

export interface OrderRow {
  orderId: string;
  customerId: string;
  placedAt: Date;
  status: OrderStatus;
  currency: string;
  total: number;
  items: OrderItem[];
}

/** A new order or a new version of one, with the digest that makes re-sending it a no-op. */
export interface OrderWrite extends OrderRow {
  contentHash: string;
}

/** Position in a customer's order list (newest first): orders strictly older come next. */
export interface OrderCursor {
  placedAt: Date;
  orderId: string;
}

/** One profile's question to the orders source: its customer ids, and which page. */
export interface OrdersRequest {
  customerIds: string[];
  first: number;
  after: OrderCursor | null;
}

export interface CurrencyTotal {
  currency: string;
  count: number;
  amount: number;
}

/** Aggregates over every order of the request's customers that was not cancelled. */
export interface OrderStats {
  count: number;
  totals: CurrencyTotal[];
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export interface OrdersAnswer {
  orders: OrderRow[];
  hasNextPage: boolean;
  stats: OrderStats;
}

/** Statuses that count as a purchase in aggregates. */
const COUNTED = `status IN ('pending', 'completed')`;

/**
 * Orders in PostgreSQL, where the transactional system keeps them: Mosaic writes orders
 * recorded through its API here and reads them here, never copying them into the store.
 */
export class OrderStore {
  /** Statements sent, for the tests and benchmarks that prove batching. */
  statements = 0;

  constructor(private readonly pool: Pool) {}

  /**
   * Inserts new orders and updates changed ones, in one statement. Returns the ids that
   * were written (unchanged re-sends are not).
   */
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

  /**
   * Answers many profiles' requests in one statement: each request's page (newest
   * first, after its cursor) and its aggregates. This is what keeps a page of 100
   * profiles with their orders at one round trip instead of 100.
   */
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
    const { rows } = await this.pool.query<{
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
    }>(
      `WITH req AS (
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
       ORDER BY req, kind, rn`,
      [
        reqIds,
        customerIds,
        requests.map((_, i) => i),
        requests.map((r) => r.first),
        requests.map((r) => r.after?.placedAt ?? null),
        requests.map((r) => r.after?.orderId ?? null),
      ],
    );

    for (const row of rows) {
      const answer = answers[row.req]!;
      if (row.kind === 'order') {
        if (answer.orders.length === requests[row.req]!.first) {
          answer.hasNextPage = true;
          continue;
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
      } else {
        const s = answer.stats;
        const n = Number(row.n);
        s.count += n;
        s.totals.push({ currency: row.currency.trim(), count: n, amount: Number(row.total) });
        if (s.firstOrderAt === null || row.first_at! < s.firstOrderAt)
          s.firstOrderAt = row.first_at;
        if (s.lastOrderAt === null || row.last_at! > s.lastOrderAt) s.lastOrderAt = row.last_at;
      }
    }
    for (const a of answers)
      a.stats.totals.sort((x, y) => y.count - x.count || (x.currency < y.currency ? -1 : 1));
    return answers;
  }

  /** Every order of the customers, oldest first (a person's data export). */
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

  /**
   * Detaches the customers' orders from them (a person's erasure): the rows stay, so
   * revenue figures do not change, but their customer id becomes `replacement`, which
   * no profile holds. Returns how many orders were detached.
   */
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
