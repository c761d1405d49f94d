import { createHash } from 'node:crypto';
import { ErrorCode, MosaicError, badInput } from '../errors';
import type { IdentifierPolicy, RawIdentifier } from '../identity/identifierPolicy';
import { identityKey, type Identifier } from '../identity/kinds';
import type { IdentityResolver } from '../identity/resolver';
import { canonicalJson } from '../validation/json';
import type { OrderItem, OrderStatus, OrderStore, OrderWrite } from './orderStore';

/** An order as a transactional system sends it (the GraphQL `OrderInput`). */
export interface OrderInput {
  orderId: string;
  customerId: string;
  email?: string | null;
  phone?: string | null;
  placedAt: Date;
  status?: OrderStatus | null;
  currency: string;
  total: number;
  items?:
    readonly { sku: string; name?: string | null; quantity: number; unitPrice: number }[] | null;
}

export interface OrderOutcome {
  orderId: string;
  profileId: string;
  /** False when the order was already stored with the same content. */
  written: boolean;
}

const MAX_ID_LENGTH = 200;
const MAX_ITEMS = 500;
const MAX_AMOUNT = 1e12;
export const MAX_ORDERS_PER_REQUEST = 1_000;

/**
 * Records orders: validates the whole batch, writes it to PostgreSQL in one statement
 * (the source of truth for orders), then links each customer id to a profile. A retry
 * after a failure in the second step is safe: the orders are unchanged, and resolution is
 * idempotent.
 */
export class OrderService {
  constructor(
    private readonly store: OrderStore,
    private readonly policy: IdentifierPolicy,
    private readonly resolver: IdentityResolver,
    /** Told which profiles got orders (enrichment recomputes their traits). */
    private readonly onRecorded: (profileIds: string[]) => Promise<void> = () => Promise.resolve(),
  ) {}

  async record(inputs: readonly OrderInput[], field = 'orders'): Promise<OrderOutcome[]> {
    if (inputs.length === 0) throw badInput(field, 'at least one order is required');
    if (inputs.length > MAX_ORDERS_PER_REQUEST)
      throw badInput(
        field,
        `at most ${MAX_ORDERS_PER_REQUEST} orders per request, got ${inputs.length}`,
      );
    const prepared = inputs.map((o, i) => this.prepare(o, `${field}[${i}]`));
    const seen = new Map<string, number>();
    prepared.forEach((p, i) => {
      const earlier = seen.get(p.order.orderId);
      if (earlier !== undefined && prepared[earlier]!.order.contentHash !== p.order.contentHash)
        throw badInput(
          `${field}[${i}].orderId`,
          `"${p.order.orderId}" appears twice with different content`,
        );
      seen.set(p.order.orderId, i);
    });

    let written: Set<string>;
    try {
      written = await this.store.upsert([...seen.values()].map((i) => prepared[i]!.order));
    } catch (err) {
      throw new MosaicError(
        ErrorCode.SOURCE_UNAVAILABLE,
        `The orders database did not accept the orders (${err instanceof Error ? err.message : String(err)}); nothing was recorded, retry later.`,
      );
    }

    // One resolution per distinct set of identifiers: a customer's 50 orders link once.
    const profileOf = new Map<string, string>();
    for (const p of prepared) {
      const key = p.identifiers.map(identityKey).join('|');
      if (profileOf.has(key)) continue;
      const result = await this.resolver.resolve({
        recordId: `order:${p.order.orderId}`,
        source: 'orders',
        identifiers: p.identifiers,
        reason: 'SHARED_IDENTIFIER',
      });
      profileOf.set(key, result.profileId);
    }
    const outcomes = prepared.map((p) => ({
      orderId: p.order.orderId,
      profileId: profileOf.get(p.identifiers.map(identityKey).join('|'))!,
      written: written.has(p.order.orderId),
    }));
    await this.onRecorded(outcomes.filter((o) => o.written).map((o) => o.profileId));
    return outcomes;
  }

  private prepare(
    input: OrderInput,
    field: string,
  ): { order: OrderWrite; identifiers: Identifier[] } {
    const orderId = input.orderId.trim();
    if (orderId === '' || orderId.length > MAX_ID_LENGTH)
      throw badInput(`${field}.orderId`, `must be 1-${MAX_ID_LENGTH} characters`);
    const raw: RawIdentifier[] = [
      { kind: 'CUSTOMER_ID', value: input.customerId, field: `${field}.customerId` },
    ];
    if (input.email != null)
      raw.push({ kind: 'EMAIL', value: input.email, field: `${field}.email` });
    if (input.phone != null)
      raw.push({ kind: 'PHONE', value: input.phone, field: `${field}.phone` });
    const { usable } = this.policy.prepare(raw);
    const customer = usable.find((i) => i.kind === 'CUSTOMER_ID');
    if (customer === undefined)
      throw badInput(`${field}.customerId`, `"${input.customerId}" is a blocked placeholder value`);

    if (Number.isNaN(input.placedAt.getTime()))
      throw badInput(`${field}.placedAt`, 'not a valid date-time');
    if (input.placedAt.getTime() > Date.now() + 24 * 3600 * 1000)
      throw badInput(
        `${field}.placedAt`,
        `${input.placedAt.toISOString()} is more than a day in the future`,
      );
    const currency = input.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency))
      throw badInput(
        `${field}.currency`,
        `expected an ISO 4217 code such as USD, got "${input.currency}"`,
      );
    const total = amount(input.total, `${field}.total`);
    const itemsIn = input.items ?? [];
    if (itemsIn.length > MAX_ITEMS)
      throw badInput(`${field}.items`, `at most ${MAX_ITEMS} items, got ${itemsIn.length}`);
    const items: OrderItem[] = itemsIn.map((item, i) => {
      const at = `${field}.items[${i}]`;
      const sku = item.sku.trim();
      if (sku === '' || sku.length > MAX_ID_LENGTH)
        throw badInput(`${at}.sku`, `must be 1-${MAX_ID_LENGTH} characters`);
      if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > 1_000_000)
        throw badInput(
          `${at}.quantity`,
          `must be a whole number from 1 to 1000000, got ${item.quantity}`,
        );
      const name = item.name?.trim() ?? null;
      if (name !== null && name.length > MAX_ID_LENGTH)
        throw badInput(`${at}.name`, `longer than ${MAX_ID_LENGTH} characters`);
      return {
        sku,
        name: name || null,
        quantity: item.quantity,
        unitPrice: amount(item.unitPrice, `${at}.unitPrice`),
      };
    });
    const row = {
      orderId,
      customerId: customer.value,
      placedAt: input.placedAt,
      status: input.status ?? 'completed',
      currency,
      total,
      items,
    };
    const contentHash = createHash('sha256').update(canonicalJson(row)).digest('base64url');
    return { order: { ...row, contentHash }, identifiers: usable };
  }
}

function amount(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0 || value > MAX_AMOUNT)
    throw badInput(field, `must be a non-negative amount below ${MAX_AMOUNT}, got ${value}`);
  // Stored as numeric(16, 4): refuse precision that would be silently lost.
  if (Math.abs(Math.round(value * 10_000) - value * 10_000) > 1e-6)
    throw badInput(field, `at most 4 decimal places, got ${value}`);
  return value;
}
