import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL } from '../support/gatewayProcess';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';
import { testConfig } from '../support/env';

/**
 * The orders source (real PostgreSQL behind a TCP proxy we can cut) goes down while the
 * gateway serves profiles: reads answer from the last cached answer, marked stale, within
 * the source timeout; a profile never read before gets null orders with a field error,
 * never an error for the whole profile; the circuit breaker stops calling a dead source.
 */

const TIMEOUT_MS = 400;
let t: TestApp;
let proxy: TcpProxy;

const QUERY = `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) {
  id
  crmRecords { crmId }
  orders(first: 5) { edges { node { orderId total } } }
  orderStats { count }
  events(first: 5) { edges { node { id } } }
  sourceStatus { source available stale asOf error }
} }`;

interface Answer {
  profileByIdentifier: {
    id: string;
    crmRecords: { crmId: string }[];
    orders: { edges: { node: { orderId: string; total: number } }[] } | null;
    orderStats: { count: number } | null;
    events: { edges: { node: { id: string } }[] };
    sourceStatus: {
      source: string;
      available: boolean;
      stale: boolean;
      asOf: string | null;
      error: string | null;
    }[];
  };
}

const read = async (email: string) => {
  const started = Date.now();
  const res = await postGraphQL<Answer>(t.url, QUERY, { v: email });
  return { ...res, ms: Date.now() - started };
};

async function seed(i: number): Promise<void> {
  const email = `outage${i}@example.com`;
  const res = await postGraphQL(
    t.url,
    `mutation($c: CrmContactInput!, $o: [OrderInput!]!, $e: [EventInput!]!) {
      upsertCrmContact(input: $c) { id }
      recordOrders(orders: $o) { written }
      trackEvents(events: $e, wait: true) { accepted }
    }`,
    {
      c: { crmId: `out-${i}`, emails: [email] },
      o: [
        {
          orderId: `out-o-${i}`,
          customerId: `out-c-${i}`,
          email,
          placedAt: '2026-03-01T10:00:00Z',
          currency: 'EUR',
          total: 42.5,
        },
      ],
      e: [{ type: 'IDENTIFY', messageId: `out-e-${i}`, userId: `out-u-${i}`, traits: { email } }],
    },
  );
  expect(res.body.errors).toBeUndefined();
}

beforeAll(async () => {
  const pgUrl = new URL(testConfig().postgres.url);
  proxy = await startTcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
  pgUrl.port = String(proxy.port);
  t = await startTestApp('outage', {
    POSTGRES_URL: pgUrl.toString(),
    MOSAIC_SOURCE_TIMEOUTS: `orders=${TIMEOUT_MS}`,
    MOSAIC_SOURCE_BREAKER_FAILURES: '3',
    MOSAIC_SOURCE_BREAKER_COOLDOWN_MS: '1500',
  });
  await seed(1);
  await seed(2);
}, 60_000);

afterAll(async () => {
  await t.close();
  await proxy.close();
});

afterEach(() => proxy.setMode('forward'));

test.each(['refuse', 'hang'] as const)(
  'with PostgreSQL %s-ing, a cached profile answers with its orders marked stale within the timeout',
  async (mode) => {
    const fresh = await read('outage1@example.com');
    expect(fresh.body.errors).toBeUndefined();
    const freshOrders = fresh.body.data!.profileByIdentifier.orders;
    expect(freshOrders!.edges.map((e) => e.node)).toEqual([{ orderId: 'out-o-1', total: 42.5 }]);
    const freshAsOf = fresh.body.data!.profileByIdentifier.sourceStatus.find(
      (s) => s.source === 'orders',
    )!.asOf;

    proxy.setMode(mode);
    const stale = await read('outage1@example.com');
    expect(stale.body.errors).toBeUndefined();
    const profile = stale.body.data!.profileByIdentifier;
    expect(profile.orders).toEqual(freshOrders);
    expect(profile.orderStats).toEqual({ count: 1 });
    expect(profile.crmRecords).toEqual([{ crmId: 'out-1' }]);
    expect(profile.events.edges).toHaveLength(1);
    const orders = profile.sourceStatus.find((s) => s.source === 'orders')!;
    expect(orders).toMatchObject({ available: true, stale: true });
    expect(new Date(orders.asOf!).getTime()).toBeGreaterThanOrEqual(
      new Date(freshAsOf!).getTime() - 1,
    );
    expect(orders.error).toBeTruthy();
    expect(profile.sourceStatus.filter((s) => s.source !== 'orders').every((s) => !s.stale)).toBe(
      true,
    );
    expect(stale.body.extensions).toEqual({
      sources: [expect.objectContaining({ source: 'orders', stale: true })],
    });
    // The source timeout bounds the read (plus the cache round trip and the store's own reads).
    expect(stale.ms).toBeLessThan(TIMEOUT_MS + 600);
    // Wait out the breaker, so the next case starts from a closed one.
    await new Promise((r) => setTimeout(r, 1_600));
  },
);

test('a profile with nothing cached gets null orders and a field error, not a failed profile', async () => {
  proxy.setMode('refuse');
  const res = await read('outage2@example.com');
  const profile = res.body.data!.profileByIdentifier;
  expect(profile.id).toBeTruthy();
  expect(profile.crmRecords).toEqual([{ crmId: 'out-2' }]);
  expect(profile.orders).toBeNull();
  expect(profile.orderStats).toBeNull();
  expect(profile.sourceStatus.find((s) => s.source === 'orders')).toMatchObject({
    available: false,
    stale: false,
  });
  expect(res.body.errors!.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual(
    expect.arrayContaining([
      ['profileByIdentifier.orders', 'SOURCE_UNAVAILABLE'],
      ['profileByIdentifier.orderStats', 'SOURCE_UNAVAILABLE'],
    ]),
  );
  await new Promise((r) => setTimeout(r, 1_600));
});

test('the circuit breaker stops calling a dead source, then lets a trial through after the cooldown', async () => {
  const orders = t.app.services.sources.orders!;
  await read('outage1@example.com'); // cached
  proxy.setMode('hang');
  for (let i = 0; i < 3; i++) await read('outage1@example.com');
  expect(orders.breaker.state).toBe('open');
  const batches = orders.batches;
  const fast = await read('outage1@example.com');
  expect(orders.batches).toBe(batches); // not called
  expect(fast.ms).toBeLessThan(TIMEOUT_MS); // straight to the cache
  expect(fast.body.data!.profileByIdentifier.orders!.edges).toHaveLength(1);

  proxy.setMode('forward');
  await new Promise((r) => setTimeout(r, 1_600));
  const recovered = await read('outage1@example.com');
  expect(orders.batches).toBe(batches + 1);
  expect(orders.breaker.state).toBe('closed');
  expect(recovered.body.data!.profileByIdentifier.sourceStatus.every((s) => !s.stale)).toBe(true);
  expect(recovered.body.extensions).toBeUndefined();
});

test('recording an order while PostgreSQL is down fails clearly and links nothing', async () => {
  proxy.setMode('refuse');
  const res = await postGraphQL(
    t.url,
    `mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`,
    {
      o: [
        {
          orderId: 'down-1',
          customerId: 'down-c',
          email: 'down@example.com',
          placedAt: '2026-03-01T10:00:00Z',
          currency: 'EUR',
          total: 1,
        },
      ],
    },
  );
  expect(res.body.errors?.[0]?.extensions?.code).toBe('SOURCE_UNAVAILABLE');
  proxy.setMode('forward');
  const lookup = await postGraphQL(
    t.url,
    `{ profileByIdentifier(kind: CUSTOMER_ID, value: "down-c") { id } }`,
  );
  expect(lookup.body.data).toEqual({ profileByIdentifier: null });
});
