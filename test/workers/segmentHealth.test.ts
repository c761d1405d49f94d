import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'graphql-ws';
import { seededRandom } from '../../src/seededRandom';
import { collections } from '../../src/store/mongo/collections';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { queryGraphQL } from '../support/gatewayProcess';
import { firstMessage, wsClient } from '../support/subscriptions';
import { until } from '../support/wait';

/**
 * Segment health through the real system: orders arrive by GraphQL, the worker keeps a
 * rule segment ("ordered in the last 60 days") up to date, and health points are taken an
 * hour apart on the worker's clock (moved forward by the test).
 *
 * Normal drift: each hour 2-4 new buyers arrive and 1-3 members cancel their order (about
 * 2-6% of a segment of 120 turning over, its size moving a few percent). The planted data
 * break: half the members lose their orders at once (every order cancelled), as when an
 * order feed is replayed wrongly. The drift must raise no alert in nine points; the break
 * must raise a SIZE and a CHURN alert, delivered to a subscriber and to the segment's
 * webhook, and shown in `Segment.health`.
 */

const HOUR = 3_600_000;
let t: TestApp;
let worker: WorkerApp;
let offset = 0;
let client: Client;

beforeAll(async () => {
  t = await startTestApp('segment-health');
  worker = await createWorkerApp(testConfig({ POSTGRES_SCHEMA: t.pgSchema }), silentLogger, {
    database: t.database,
    now: () => new Date(Date.now() + offset),
  });
  client = wsClient(t.url);
}, 90_000);

afterAll(async () => {
  await client.dispose();
  await worker.close();
  await t.close();
});

const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
  queryGraphQL<T>(t.url, query, variables);

let nextCustomer = 0;
/** Customers with an order that counts, by customer id. */
const buyers = new Set<number>();
/** Entries and exits the segment's change log should hold by now. */
let logged = 0;

const order = (customer: number, status: 'COMPLETED' | 'CANCELLED') => ({
  orderId: `sh-o${customer}`,
  customerId: `sh-c${customer}`,
  email: `sh-${customer}@example.com`,
  placedAt: new Date(Date.now() + offset - 5 * 86_400_000).toISOString(),
  status,
  currency: 'USD',
  total: 40,
});

async function changeOrders(arrive: number, cancel: number[]): Promise<void> {
  const orders = [
    ...Array.from({ length: arrive }, () => order(nextCustomer++, 'COMPLETED')),
    ...cancel.map((c) => order(c, 'CANCELLED')),
  ];
  for (const o of orders) {
    const customer = Number(o.customerId.slice(4));
    if (o.status === 'COMPLETED') buyers.add(customer);
    else buyers.delete(customer);
    logged++;
  }
  await gql(`mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`, {
    o: orders,
  });
  // Every change applied (a size alone can match early: as many arrive as leave).
  const changes = collections(t.app.db).segmentChanges;
  await until(
    `the segment's ${logged} changes`,
    async () => (await changes.countDocuments({ segmentId: 'recent-buyers' })) === logged,
    60_000,
  );
  const { segment } = await gql<{ segment: { size: number } }>(
    `{ segment(id: "recent-buyers") { size } }`,
  );
  expect(segment.size).toBe(buyers.size);
}

/** The next hour's health point of every segment, on the worker's clock. */
async function nextPoint() {
  offset += HOUR;
  const points = await worker.health.record(new Date(Date.now() + offset), 'hourly');
  return points.find((p) => p.segmentId === 'recent-buyers')!;
}

test('normal drift raises no alert; half the members losing their orders raises size and churn alerts everywhere', async () => {
  await gql(`mutation($r: JSON!) { defineSegment(name: "Recent buyers", rule: $r) { id } }`, {
    r: { ordered: { withinDays: 60 } },
  });
  const secret = 'whsec-health-0123456789';
  const received: { signature: string; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        signature: String(req.headers['x-mosaic-signature']),
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    await gql(
      `mutation($w: WebhookInput!) { addSegmentWebhook(segmentId: "recent-buyers", webhook: $w) { id } }`,
      { w: { url: `http://127.0.0.1:${port}/alerts`, secret } },
    );
    await changeOrders(120, []);
    const random = seededRandom(41);
    for (let hour = 0; hour < 9; hour++) {
      const point = await nextPoint();
      expect(point.alerts).toEqual([]);
      const leaving = [...buyers].sort(() => random.next() - 0.5).slice(0, random.int(1, 3));
      await changeOrders(random.int(2, 4), leaving);
    }
    expect((await nextPoint()).alerts).toEqual([]);

    const heard = firstMessage<{ segmentAlert: { segmentId: string; kind: string } }>(
      client,
      `subscription { segmentAlert { segmentId kind } }`,
      {},
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription is registered
    const members = [...buyers];
    await changeOrders(0, members.slice(0, Math.ceil(members.length / 2)));
    const broken = await nextPoint();
    expect(broken.alerts.map((a) => a.kind).sort()).toEqual(['CHURN', 'SIZE']);
    expect(broken.stability).toBeCloseTo(0.5, 1);
    expect((await heard).segmentAlert.segmentId).toBe('recent-buyers');

    const delivered = await until('both alerts delivered to the webhook', () =>
      Promise.resolve(
        received.filter((r) => r.body.includes('"segment.alert"')).length === 2 && received,
      ),
    );
    const alert = delivered.find((r) => r.body.includes('"SIZE"'))!;
    expect(JSON.parse(alert.body)).toMatchObject({
      type: 'segment.alert',
      segmentId: 'recent-buyers',
      kind: 'SIZE',
    });
    const [, at, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(alert.signature)!;
    expect(v1).toBe(createHmac('sha256', secret).update(`${at}.${alert.body}`).digest('hex'));

    const { segment } = await gql<{
      segment: {
        health: {
          points: { size: number; entered: number; exited: number; stability: number }[];
          alerts: { kind: string; message: string }[];
        };
      };
    }>(
      `{ segment(id: "recent-buyers") { health(last: 100) { points { size entered exited stability } alerts { kind message } } } }`,
    );
    // The test's eleven, after the one the worker's hourly schedule took when it started.
    expect(segment.health.points.length).toBeGreaterThanOrEqual(11);
    expect(segment.health.points.at(-1)!.size).toBe(buyers.size);
    expect(segment.health.points.at(-1)!.exited).toBe(members.length - buyers.size);
    expect(segment.health.alerts.map((a) => a.kind).sort()).toEqual(['CHURN', 'SIZE']);
    expect(segment.health.alerts.find((a) => a.kind === 'SIZE')!.message).toMatch(/size fell/);
  } finally {
    server.close();
  }
}, 180_000);
