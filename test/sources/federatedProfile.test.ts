import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL, queryGraphQL } from '../support/gatewayProcess';

/**
 * One Profile, three sources: CRM contacts (store), orders (PostgreSQL) and events
 * (store), each batched per operation. Seeds 100 people through the public API and
 * reads them back as one page.
 */

const PEOPLE = 100;
let t: TestApp;

const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
  queryGraphQL<T>(t.url, query, variables);

const person = (i: number) => ({
  email: `person${i}@example.com`,
  crmId: `crm-${i}`,
  customerId: `cust-${i}`,
  userId: `user-${i}`,
});

beforeAll(async () => {
  // This file checks batching, not timeouts (sourceOutage.test.ts does): a generous source
  // timeout keeps a page of 100 profiles from timing out while other suites load the store.
  t = await startTestApp('federated', { MOSAIC_SOURCE_TIMEOUT_MS: '10000' });
  const people = Array.from({ length: PEOPLE }, (_, i) => person(i));
  await gql(
    `mutation($inputs: [CrmContactInput!]!) { upsertCrmContacts(inputs: $inputs) { changed } }`,
    {
      inputs: people.map((p, i) => ({
        crmId: p.crmId,
        firstName: `First${i}`,
        lastName: `Last${i}`,
        emails: [p.email.toUpperCase()],
        attributes: { tier: i % 3 === 0 ? 'gold' : 'silver' },
      })),
    },
  );
  // Person i has i % 5 orders (0-4), with the email on the order linking the customer id.
  const orders = people.flatMap((p, i) =>
    Array.from({ length: i % 5 }, (_, k) => ({
      orderId: `o-${i}-${k}`,
      customerId: p.customerId,
      email: p.email,
      placedAt: new Date(Date.UTC(2026, 0, 1 + k, 12)).toISOString(),
      currency: 'USD',
      total: 10 * (k + 1) + 0.5,
      items: [{ sku: `sku-${k}`, quantity: 1, unitPrice: 10 * (k + 1) + 0.5 }],
    })),
  );
  await gql(`mutation($orders: [OrderInput!]!) { recordOrders(orders: $orders) { written } }`, {
    orders,
  });
  const events = people.flatMap((p, i) => [
    { type: 'IDENTIFY', messageId: `id-${i}`, userId: p.userId, traits: { email: p.email } },
    { type: 'TRACK', messageId: `tr-${i}-a`, userId: p.userId, event: 'Product Viewed' },
    { type: 'PAGE', messageId: `pg-${i}-a`, userId: p.userId, name: 'Pricing' },
  ]);
  for (let i = 0; i < events.length; i += 100) {
    const { trackEvents } = await gql<{ trackEvents: { accepted: number } }>(
      `mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted } }`,
      { events: events.slice(i, i + 100) },
    );
    expect(trackEvents.accepted).toBe(100);
  }
  // Events are applied to profiles behind the API: the tests read them once all are.
  await t.drained();
}, 180_000);

afterAll(() => t.close());

const PAGE_QUERY = `{
  profiles(first: 100) {
    edges { node {
      id
      identifiers { kind value }
      crmRecords { crmId traits raw }
      orders(first: 2) { edges { node { orderId total placedAt } } pageInfo { hasNextPage endCursor } }
      orderStats { count totals { currency amount averageOrderValue } firstOrderAt lastOrderAt }
      events(first: 10) { edges { node { id type event name } } }
      eventStats { count }
      sourceStatus { source available stale error }
    } }
  }
}`;

interface PageNode {
  id: string;
  identifiers: { kind: string; value: string }[];
  crmRecords: { crmId: string; traits: Record<string, unknown>; raw: Record<string, unknown> }[];
  orders: {
    edges: { node: { orderId: string; total: number } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
  orderStats: {
    count: number;
    totals: { currency: string; amount: number; averageOrderValue: number }[];
  };
  events: { edges: { node: { id: string; type: string } }[] };
  eventStats: { count: number };
  sourceStatus: { source: string; available: boolean; stale: boolean; error: string | null }[];
}

test('one query returns each profile with its CRM record, its orders from PostgreSQL and its events', async () => {
  const data = await gql<{ profiles: { edges: { node: PageNode }[] } }>(PAGE_QUERY);
  const nodes = data.profiles.edges.map((e) => e.node);
  expect(nodes).toHaveLength(PEOPLE);
  for (const node of nodes) {
    const email = node.identifiers.find((i) => i.kind === 'EMAIL')!.value;
    const i = Number(/person(\d+)@/.exec(email)![1]);
    const p = person(i);
    // A customer id is known only from orders: people with none have none.
    expect(node.identifiers).toEqual(
      expect.arrayContaining([
        { kind: 'CRM_ID', value: p.crmId },
        { kind: 'USER_ID', value: p.userId },
        ...(i % 5 > 0 ? [{ kind: 'CUSTOMER_ID', value: p.customerId }] : []),
      ]),
    );
    expect(node.crmRecords).toEqual([
      expect.objectContaining({
        crmId: p.crmId,
        traits: expect.objectContaining({ firstName: `First${i}`, emails: [p.email] }) as unknown,
        // The raw record is what the CRM sent, before normalisation.
        raw: expect.objectContaining({ emails: [p.email.toUpperCase()] }) as unknown,
      }),
    ]);
    const orderCount = i % 5;
    expect(node.orderStats.count).toBe(orderCount);
    const expectedTotal = Array.from({ length: orderCount }, (_, k) => 10 * (k + 1) + 0.5).reduce(
      (a, b) => a + b,
      0,
    );
    expect(node.orderStats.totals).toEqual(
      orderCount === 0
        ? []
        : [
            {
              currency: 'USD',
              amount: expectedTotal,
              averageOrderValue: Math.round((expectedTotal / orderCount) * 100) / 100,
            },
          ],
    );
    // Newest first, two per page.
    expect(node.orders.edges.map((e) => e.node.orderId)).toEqual(
      Array.from({ length: orderCount }, (_, k) => `o-${i}-${k}`)
        .reverse()
        .slice(0, 2),
    );
    expect(node.orders.pageInfo.hasNextPage).toBe(orderCount > 2);
    expect(node.events.edges.map((e) => e.node.id).sort()).toEqual([
      `id-${i}`,
      `pg-${i}-a`,
      `tr-${i}-a`,
    ]);
    expect(node.eventStats.count).toBe(3);
    expect(node.sourceStatus).toEqual([
      { source: 'crm', available: true, stale: false, error: null },
      { source: 'orders', available: true, stale: false, error: null },
      { source: 'events', available: true, stale: false, error: null },
    ]);
  }
});

test('a page of 100 profiles costs one batch per source and one SQL statement, not one per profile', async () => {
  const { sources, orderStore } = t.app.services;
  const before = {
    crm: sources.crm!.batches,
    orders: sources.orders!.batches,
    events: sources.events!.batches,
    sql: orderStore.statements,
  };
  await gql(PAGE_QUERY);
  expect({
    crm: sources.crm!.batches - before.crm,
    orders: sources.orders!.batches - before.orders,
    events: sources.events!.batches - before.events,
    sql: orderStore.statements - before.sql,
  }).toEqual({ crm: 1, orders: 1, events: 1, sql: 1 });
});

test('contacts as the CRM sent them are read only when `raw` is asked for, through a fragment too', async () => {
  const store = t.app.services.store;
  const getRawRecords = store.getRawRecords.bind(store);
  const rawReads = jest.fn(getRawRecords);
  store.getRawRecords = rawReads;
  try {
    const plain = await gql<{
      profiles: { edges: { node: { crmRecords: { crmId: string }[] } }[] };
    }>(`{ profiles(first: 10) { edges { node { crmRecords { crmId } } } } }`);
    expect(plain.profiles.edges.flatMap((e) => e.node.crmRecords)).toHaveLength(10);
    expect(rawReads).not.toHaveBeenCalled();

    const withRaw = await gql<{
      profiles: { edges: { node: { crmRecords: { crmId: string; raw: unknown }[] } }[] };
    }>(
      `query { profiles(first: 10) { edges { node { crmRecords { ...Contact } } } } }
       fragment Contact on CrmRecord { crmId raw }`,
    );
    const records = withRaw.profiles.edges.flatMap((e) => e.node.crmRecords);
    expect(rawReads).toHaveBeenCalledTimes(1);
    expect(records).toHaveLength(10);
    for (const r of records) expect(r.raw).toMatchObject({ crmId: r.crmId });
  } finally {
    store.getRawRecords = getRawRecords;
  }
});

test('order and event pages continue from their cursors', async () => {
  const p = person(4); // four orders
  const page = async (after: string | null) =>
    (
      await gql<{ profileByIdentifier: { orders: PageNode['orders'] } }>(
        `query($v: String!, $after: String) { profileByIdentifier(kind: CUSTOMER_ID, value: $v) {
          orders(first: 3, after: $after) { edges { node { orderId total } } pageInfo { hasNextPage endCursor } } } }`,
        { v: p.customerId, after },
      )
    ).profileByIdentifier.orders;
  const first = await page(null);
  expect(first.edges.map((e) => e.node.orderId)).toEqual(['o-4-3', 'o-4-2', 'o-4-1']);
  expect(first.pageInfo.hasNextPage).toBe(true);
  const second = await page(first.pageInfo.endCursor);
  expect(second.edges.map((e) => e.node.orderId)).toEqual(['o-4-0']);
  expect(second.pageInfo.hasNextPage).toBe(false);

  const events = async (after: string | null, type: string | null) =>
    (
      await gql<{
        profileByIdentifier: {
          events: {
            edges: { node: { id: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        };
      }>(
        `query($v: String!, $after: String, $type: EventType) { profileByIdentifier(kind: USER_ID, value: $v) {
          events(first: 2, after: $after, type: $type) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
        { v: p.userId, after, type },
      )
    ).profileByIdentifier.events;
  const e1 = await events(null, null);
  expect(e1.edges).toHaveLength(2);
  expect(e1.pageInfo.hasNextPage).toBe(true);
  const e2 = await events(e1.pageInfo.endCursor, null);
  expect([...e1.edges, ...e2.edges].map((e) => e.node.id).sort()).toEqual([
    'id-4',
    'pg-4-a',
    'tr-4-a',
  ]);
  expect(e2.pageInfo.hasNextPage).toBe(false);
  expect((await events(null, 'PAGE')).edges.map((e) => e.node.id)).toEqual(['pg-4-a']);
});

test('bad order input names the field and writes nothing', async () => {
  const { body } = await postGraphQL(
    t.url,
    `mutation($orders: [OrderInput!]!) { recordOrders(orders: $orders) { written } }`,
    {
      orders: [
        {
          orderId: 'ok-1',
          customerId: 'c-ok',
          placedAt: '2026-01-01T00:00:00Z',
          currency: 'USD',
          total: 5,
        },
        {
          orderId: 'bad-1',
          customerId: 'c-ok',
          placedAt: '2026-01-01T00:00:00Z',
          currency: 'dollars',
          total: 5,
        },
      ],
    },
  );
  expect(body.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'orders[1].currency',
  });
  const { body: lookup } = await postGraphQL(
    t.url,
    `{ profileByIdentifier(kind: CUSTOMER_ID, value: "c-ok") { id } }`,
  );
  expect(lookup.data).toEqual({ profileByIdentifier: null });
});
