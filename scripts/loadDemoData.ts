// Loads the demo population into a running gateway through its public APIs, the way a CRM,
// a shop and a website would: `tsx scripts/loadDemoData.ts <graphql-url> [customers]`
// (customers default to $DEMO_CUSTOMERS, else 1000). CRM contacts first, then orders, then
// the website's Segment calls through the tracking API with $MOSAIC_WRITE_KEY.
import { gatewayClient } from './demo/gatewayClient';
import { generatePopulation } from './demo/population';
import type { OrderInput } from '../src/orders/orderService';

const url = process.argv[2] ?? 'http://127.0.0.1:4000/graphql';
const customersArg = process.argv[3] ?? process.env.DEMO_CUSTOMERS ?? '1000';
const writeKey = process.env.MOSAIC_WRITE_KEY || 'demo-write-key';
const trackingUrl = new URL('/v1/batch', url).toString();
const { graphql, defineSegmentsIfMissing } = gatewayClient(url, process.env.MOSAIC_ADMIN_KEY ?? '');

const CRM_CHUNK = 200;
const ORDER_CHUNK = 500;
const EVENT_CHUNK = 100;
/** Requests in flight per phase: the gateway resolves concurrent writes safely. */
const CONCURRENCY = 4;

const UPSERT_CONTACTS = `mutation ($inputs: [CrmContactInput!]!) {
  upsertCrmContacts(inputs: $inputs) { changed unchanged }
}`;
const RECORD_ORDERS = `mutation ($orders: [OrderInput!]!) {
  recordOrders(orders: $orders) { written unchanged }
}`;

async function track(batch: readonly Record<string, unknown>[]): Promise<void> {
  let res: Response;
  // Like a Segment SDK: a 429 (the pipeline is behind) or 503 is retried after Retry-After.
  for (;;) {
    res = await fetch(trackingUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
    });
    if (res.status !== 429 && res.status !== 503) break;
    await res.arrayBuffer();
    const wait = Number(res.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait) * 1000));
  }
  if (res.ok) return;
  const text = await res.text();
  let message = text.slice(0, 500);
  try {
    const body = JSON.parse(text) as { message?: string; field?: string };
    if (body.message) message = body.field ? `${body.message} (at ${body.field})` : body.message;
  } catch {
    // Not JSON (a proxy's error page, say): the raw text is the best message there is.
  }
  throw new Error(`${trackingUrl} answered ${res.status}: ${message}`);
}

/** Seconds until the pipeline has applied every accepted event. */
async function pipelineDrained(): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { pipelineStatus } = await graphql<{ pipelineStatus: { backlog: number } }>(
      '{ pipelineStatus { backlog } }',
      {},
    );
    if (pipelineStatus.backlog === 0) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Sends `items` in chunks, `CONCURRENCY` at a time; stops starting new ones after a failure. */
async function inChunks<T>(
  items: readonly T[],
  size: number,
  send: (chunk: readonly T[]) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  const chunks: (readonly T[])[] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < chunks.length) {
      try {
        await send(chunks[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, chunks.length) }, worker));
  return (performance.now() - started) / 1000;
}

/** The GraphQL `OrderInput`: a date-time string, and the status as its enum value. */
function orderVariables(order: OrderInput): Record<string, unknown> {
  return {
    ...order,
    placedAt: order.placedAt.toISOString(),
    status: order.status?.toUpperCase() ?? null,
  };
}

/**
 * Segments for the dashboard to show moving while the data arrives. Defined first, so
 * every entry is a live change; a second demo on the same database finds them defined.
 */
const DEMO_SEGMENTS: { name: string; rule: unknown }[] = [
  { name: 'Big spenders', rule: { computed: 'lifetimeValue', op: 'gte', value: 500 } },
  { name: 'Bought this month', rule: { ordered: { withinDays: 30 } } },
  {
    name: 'Browsing, not buying',
    rule: {
      and: [{ event: 'Product Viewed', atLeast: 2, withinDays: 30 }, { noOrderWithinDays: 90 }],
    },
  },
  {
    name: 'Cart abandoners',
    rule: {
      and: [
        { event: 'Product Added', atLeast: 1, withinDays: 30 },
        { not: { event: 'Order Completed', atLeast: 1, withinDays: 30 } },
      ],
    },
  },
];

async function main(): Promise<void> {
  const customers = Number(customersArg);
  if (!Number.isSafeInteger(customers) || customers < 1)
    throw new Error(
      `expected the number of customers as a whole number >= 1, got "${customersArg}"`,
    );

  const started = performance.now();
  const population = generatePopulation({ customers });
  const generated = (performance.now() - started) / 1000;
  const { crmContacts, orders, segmentCalls } = population;
  await defineSegmentsIfMissing(DEMO_SEGMENTS);

  const crm = { changed: 0, unchanged: 0 };
  const crmSeconds = await inChunks(crmContacts, CRM_CHUNK, async (inputs) => {
    const { upsertCrmContacts: r } = await graphql<{
      upsertCrmContacts: { changed: number; unchanged: number };
    }>(UPSERT_CONTACTS, { inputs });
    crm.changed += r.changed;
    crm.unchanged += r.unchanged;
  });

  const recorded = { written: 0, unchanged: 0 };
  const orderSeconds = await inChunks(orders, ORDER_CHUNK, async (chunk) => {
    const { recordOrders: r } = await graphql<{
      recordOrders: { written: number; unchanged: number };
    }>(RECORD_ORDERS, { orders: chunk.map(orderVariables) });
    recorded.written += r.written;
    recorded.unchanged += r.unchanged;
  });

  // Each chunk is in chronological order; chunks in flight together may land in any order,
  // which resolution does not depend on.
  const eventSeconds = await inChunks(segmentCalls, EVENT_CHUNK, track);
  // Accepted is not yet applied: the worker's pipeline resolves the events behind.
  const appliedSeconds = await pipelineDrained();

  const s = (seconds: number) => `${seconds.toFixed(1)} s`;
  console.log(
    `[demo] ${customers} customers (generated in ${s(generated)}): ` +
      `${crmContacts.length} CRM contacts (${crm.changed} changed, ${crm.unchanged} unchanged) in ${s(crmSeconds)}, ` +
      `${orders.length} orders (${recorded.written} written, ${recorded.unchanged} unchanged) in ${s(orderSeconds)}, ` +
      `${segmentCalls.length} events accepted in ${s(eventSeconds)} and applied ${s(appliedSeconds)} later; ` +
      `total ${s((performance.now() - started) / 1000)}`,
  );
}

main().catch((err: unknown) => {
  console.error('[demo] loading failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
