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

/**
 * Orders where the transactional system keeps them (PostgreSQL, `store/postgres`): Mosaic
 * writes orders recorded through its API there and reads them there, never copying them
 * into the profile store.
 */
export interface OrderStore {
  /** Statements sent, for the tests and benchmarks that prove batching. */
  readonly statements: number;
  /**
   * Inserts new orders and updates changed ones, in one statement. Returns the ids that
   * were written (unchanged re-sends are not).
   */
  upsert(orders: OrderWrite[]): Promise<Set<string>>;
  /**
   * Answers many profiles' requests in one statement: each request's page (newest
   * first, after its cursor) and its aggregates. This is what keeps a page of 100
   * profiles with their orders at one round trip instead of 100.
   */
  loadMany(requests: readonly OrdersRequest[]): Promise<OrdersAnswer[]>;
  /** Every order of the customers, oldest first (a person's data export). */
  allOf(customerIds: string[]): Promise<OrderRow[]>;
  /**
   * Detaches the customers' orders from them (a person's erasure): the rows stay, so
   * revenue figures do not change, but their customer id becomes `replacement`, which
   * no profile holds. Returns how many orders were detached.
   */
  detach(customerIds: string[], replacement: string): Promise<number>;
}
