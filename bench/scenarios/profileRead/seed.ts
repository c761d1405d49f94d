import type { EventInput } from '../../../src/ingest/eventIngestionService';
import type { OrderInput } from '../../../src/orders/orderService';
import type { Services } from '../../../src/services';

export const EVENTS_PER_PROFILE = 50;
export const ORDERS_PER_PROFILE = 5;
/** People written per call: their events go in one ingestion batch (51 each, under 500). */
export const PEOPLE_PER_BATCH = 8;
const TRACK_EVENTS = ['Product Viewed', 'Product Added', 'Cart Viewed', 'Checkout Started'];

/** The segments every seeded profile is evaluated against (two of them hold someone). */
export const SEGMENTS = [
  { name: 'Pro plan', rule: { trait: 'plan', op: 'eq', value: 'pro' } },
  { name: 'VIP', rule: { trait: 'vip', op: 'eq', value: true } },
];

export const emailOf = (tag: string, i: number) => `user${i}@${tag}.bench.example.com`;
export const customerIdOf = (tag: string, i: number) => `cust-${tag}-${i}`;

/**
 * People `first`..`first + count - 1` through the real write path, in bulk: each a CRM
 * contact, an anonymous visitor's 50 track events then an identify call that merges the
 * visitor into the contact, and 5 orders under a customer id linked by email. The events
 * of the whole group are one ingestion call, as a Segment batch would send them.
 */
export async function seedPeople(
  services: Services,
  tag: string,
  first: number,
  count: number,
): Promise<void> {
  const people = Array.from({ length: count }, (_, k) => first + k);
  await Promise.all(people.map((i) => upsertContact(services, tag, i)));
  const events = people.flatMap((i) => visitorEvents(tag, i));
  const result = await services.events.ingest(events);
  if (result.accepted !== events.length)
    throw new Error(`seeding ${tag}: ${result.accepted}/${events.length} events accepted`);
  const outcomes = await services.orders.record(people.flatMap((i) => ordersOf(tag, i)));
  if (outcomes.some((o) => !o.written)) throw new Error(`seeding ${tag}: an order was not written`);
}

async function upsertContact(services: Services, tag: string, i: number): Promise<void> {
  await services.crmContacts.upsert({
    crmId: `bench-${tag}-${i}`,
    firstName: `First${i}`,
    lastName: `Last${i}`,
    emails: [emailOf(tag, i)],
    // A valid US number per profile (libphonenumber checks the number plan).
    phones: [`+1 650 ${253 + Math.floor(i / 10_000)} ${String(i % 10_000).padStart(4, '0')}`],
    attributes: {
      plan: ['free', 'pro', 'enterprise'][i % 3],
      lifetimeValue: i * 3.5,
      vip: i % 7 === 0,
    },
  });
}

function visitorEvents(tag: string, i: number): EventInput[] {
  const anonymousId = `anon-${tag}-${i}`;
  const start = Date.now() - 2 * 60 * 60_000;
  const events: EventInput[] = Array.from({ length: EVENTS_PER_PROFILE }, (_, k) => ({
    type: 'track',
    messageId: `bench-${tag}-${i}-${k}`,
    event: TRACK_EVENTS[k % TRACK_EVENTS.length]!,
    anonymousId,
    properties: { sku: `SKU-${(i * 31 + k) % 500}`, price: 10 + (k % 9), step: k },
    timestamp: new Date(start + k * 60_000),
  }));
  events.push({
    type: 'identify',
    messageId: `bench-${tag}-${i}-identify`,
    anonymousId,
    traits: { email: emailOf(tag, i) },
    timestamp: new Date(start + EVENTS_PER_PROFILE * 60_000),
  });
  return events;
}

/** Spread over the last year, amounts in cents so totals are exact. */
function ordersOf(tag: string, i: number): OrderInput[] {
  const now = Date.now();
  return Array.from({ length: ORDERS_PER_PROFILE }, (_, k) => {
    const quantity = 1 + ((i + k) % 3);
    const unitPriceCents = 499 + ((i * 37 + k * 101) % 9_500);
    return {
      orderId: `order-${tag}-${i}-${k}`,
      customerId: customerIdOf(tag, i),
      email: emailOf(tag, i),
      placedAt: new Date(now - Math.round(((k + 0.5) * 365 * 86_400_000) / ORDERS_PER_PROFILE)),
      currency: 'USD',
      total: (quantity * unitPriceCents) / 100,
      items: [{ sku: `SKU-${(i * 17 + k) % 500}`, quantity, unitPrice: unitPriceCents / 100 }],
    };
  });
}
