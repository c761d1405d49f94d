import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'graphql-ws';
import type { SegmentChangeDoc } from '../../src/segments/segmentModels';
import type { SegmentSubjectDoc } from '../../src/store/models';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import {
  postGraphQL,
  queryGraphQL,
  startGatewayProcess,
  type GatewayProcess,
} from '../support/gatewayProcess';
import { firstMessage, wsClient } from '../support/subscriptions';
import { until } from '../support/wait';

/**
 * Segments end to end: a mutation on gateway A makes a profile enter a segment, the worker
 * computes it, and a dashboard subscribed on gateway B (another process) hears it. A
 * time-relative segment moves through the scheduled refresh alone, with the worker's
 * clock moved forward by the test.
 */

const DAY = 86_400_000;
let t: TestApp;
let other: GatewayProcess;
let worker: WorkerApp;
/** How far the worker's clock runs ahead of real time. */
let offset = 0;
let client: Client;

beforeAll(async () => {
  t = await startTestApp('segments', { MOSAIC_SEGMENT_REFRESH_MS: '300' });
  const uri = new URL(testConfig().mongo.uri);
  uri.pathname = `/${t.database}`;
  other = await startGatewayProcess({ MONGODB_URI: uri.toString(), POSTGRES_SCHEMA: t.pgSchema });
  worker = await createWorkerApp(
    testConfig({ POSTGRES_SCHEMA: t.pgSchema, MOSAIC_SEGMENT_REFRESH_MS: '300' }),
    silentLogger,
    { database: t.database, now: () => new Date(Date.now() + offset) },
  );
  client = wsClient(other.url);
}, 90_000);

afterAll(async () => {
  await client.dispose();
  await worker.close();
  await other.stop();
  await t.close();
});

const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
  queryGraphQL<T>(t.url, query, variables);

interface Change {
  segmentMembershipChanged: { segmentId: string; profileId: string; change: string };
}

function nextChange(segmentId: string): Promise<Change> {
  return nextMessage<Change>(
    `subscription($s: ID!) { segmentMembershipChanged(segmentId: $s) { segmentId profileId change } }`,
    { s: segmentId },
  );
}

function nextMessage<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  return firstMessage<T>(client, query, variables);
}

test('a tracked event makes a profile enter a segment; a subscriber on another gateway process hears it', async () => {
  const { defineSegment } = await gql<{ defineSegment: { id: string } }>(
    `mutation($rule: JSON!) { defineSegment(name: "Engaged free-mail users", rule: $rule) { id } }`,
    {
      rule: {
        and: [
          { computed: 'emailDomainKind', op: 'eq', value: 'free' },
          { event: 'Product Viewed', atLeast: 2, withinDays: 7 },
        ],
      },
    },
  );
  expect(defineSegment.id).toBe('engaged-free-mail-users');
  const track = (id: string) =>
    gql(`mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`, {
      e: [{ type: 'TRACK', userId: 'seg-u1', event: 'Product Viewed', messageId: id }],
    });
  await gql(`mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`, {
    e: [
      {
        type: 'IDENTIFY',
        userId: 'seg-u1',
        traits: { email: 'seg.user@gmail.com' },
        messageId: 'seg-0',
      },
    ],
  });
  await track('seg-1');
  // Subscribe on gateway B (a separate process), then cause the change through gateway A.
  const heard = nextChange(defineSegment.id);
  const stats = nextMessage<{ segmentStats: { size: number; lastChange: { change: string } } }>(
    `subscription($s: ID!) { segmentStats(segmentId: $s) { size lastChange { change } } }`,
    { s: defineSegment.id },
  );
  await new Promise((r) => setTimeout(r, 300)); // let the subscriptions reach Redis
  await track('seg-2');
  const { segmentMembershipChanged: change } = await heard;
  expect((await stats).segmentStats).toEqual({ size: 1, lastChange: { change: 'ENTERED' } });
  expect(change).toMatchObject({ segmentId: 'engaged-free-mail-users', change: 'ENTERED' });

  const read = await gql<{
    profileByIdentifier: { id: string; segments: { id: string }[] };
    segment: {
      size: number;
      members: { edges: { node: { id: string } }[] };
      recentChanges: { change: string; reason: string }[];
    };
  }>(
    `{ profileByIdentifier(kind: USER_ID, value: "seg-u1") { id segments { id } }
       segment(id: "engaged-free-mail-users") { size members { edges { node { id } } } recentChanges { change reason } } }`,
  );
  expect(read.profileByIdentifier.id).toBe(change.profileId);
  expect(read.profileByIdentifier.segments).toEqual([{ id: 'engaged-free-mail-users' }]);
  expect(read.segment.size).toBe(1);
  expect(read.segment.members.edges.map((e) => e.node.id)).toEqual([change.profileId]);
  expect(read.segment.recentChanges[0]).toMatchObject({
    change: 'ENTERED',
    reason: 'profile changed',
  });
}, 60_000);

test('"no order in the last 30 days" changes membership through the scheduled refresh alone', async () => {
  await gql(`mutation($rule: JSON!) { defineSegment(name: "Lapsed buyers", rule: $rule) { id } }`, {
    rule: { and: [{ ordered: { withinDays: 365 } }, { noOrderWithinDays: 30 }] },
  });
  const placed = new Date(Date.now() - 20 * DAY).toISOString();
  const { recordOrders } = await gql<{ recordOrders: { outcomes: { profileId: string }[] } }>(
    `mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { outcomes { profileId } } }`,
    {
      o: [
        {
          orderId: 'lapse-1',
          customerId: 'lapse-c',
          email: 'lapse@example.com',
          placedAt: placed,
          currency: 'USD',
          total: 20,
        },
      ],
    },
  );
  const profileId = recordOrders.outcomes[0]!.profileId;
  const membership = async () =>
    (
      await gql<{ profile: { segments: { id: string }[] } }>(
        `query($id: ID!) { profile(id: $id) { segments { id } } }`,
        { id: profileId },
      )
    ).profile.segments.map((s) => s.id);
  // Enriched, ordered 20 days ago: not lapsed.
  await until('the order to be enriched', async () => {
    const subject = await t.app.db
      .collection('segment_subjects')
      .findOne({ _id: profileId as never });
    return (subject?.computed as { orderCount?: number } | undefined)?.orderCount === 1;
  });
  expect(await membership()).toEqual([]);

  // Fifteen days pass. Nothing about the customer changes; only the scheduled refresh runs.
  const heard = nextChange('lapsed-buyers');
  await new Promise((r) => setTimeout(r, 300));
  const runsBefore = worker.refresh.runs;
  offset += 15 * DAY;
  const change = (await heard).segmentMembershipChanged;
  expect(change).toMatchObject({ profileId, change: 'ENTERED' });
  expect(worker.refresh.runs).toBeGreaterThan(runsBefore);
  expect(await membership()).toEqual(['lapsed-buyers']);
  // The refresh also scored RFM against the population; the re-evaluation applied it.
  const subject = await t.app.db
    .collection<SegmentSubjectDoc>('segment_subjects')
    .findOne({ _id: profileId });
  expect(subject?.computed).toMatchObject({ rfmFrequency: expect.any(Number) as unknown });
  expect(subject?.computed.rfmSegment).toMatch(/^[0-5]{3}$/);
  const changes = await t.app.db
    .collection<SegmentChangeDoc>('segment_changes')
    .find({ segmentId: 'lapsed-buyers' })
    .toArray();
  expect(changes.map((c) => [c.change, c.reason])).toEqual([['entered', 'scheduled refresh']]);
}, 60_000);

test('segment definitions are validated, and segments cannot depend on themselves', async () => {
  const bad = await postGraphQL(
    t.url,
    `mutation { defineSegment(name: "Bad", rule: { trait: "plan", op: "like", value: "x" }) { id } }`,
  );
  expect(bad.body.errors?.[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'rule.op',
  });
  await gql(
    `mutation { defineSegment(name: "Base", rule: { trait: "plan", op: "eq", value: "pro" }) { id } }`,
  );
  await gql(`mutation { defineSegment(name: "Derived", rule: { inSegment: "base" }) { id } }`);
  const cycle = await postGraphQL(
    t.url,
    `mutation { updateSegment(id: "base", rule: { inSegment: "derived" }) { id } }`,
  );
  expect(cycle.body.errors?.[0]?.message).toMatch(/depend on itself/);
  const inUse = await postGraphQL(t.url, `mutation { deleteSegment(id: "base") }`);
  expect(inUse.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  const duplicate = await postGraphQL(
    t.url,
    `mutation { defineSegment(name: "BASE", rule: { trait: "plan", op: "eq", value: "x" }) { id } }`,
  );
  expect(duplicate.body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
});

test('a webhook receives each membership change, signed, retried until it answers 2xx', async () => {
  const secret = 'whsec-test-0123456789';
  const received: { headers: IncomingHttpHeaders; body: string; status: number }[] = [];
  let failuresLeft = 1; // the receiver is down for the first attempt
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = failuresLeft-- > 0 ? 503 : 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    await gql(
      `mutation($rule: JSON!) { defineSegment(name: "Big spenders", rule: $rule) { id } }`,
      {
        rule: { computed: 'lifetimeValue', op: 'gte', value: 500 },
      },
    );
    const { addSegmentWebhook } = await gql<{ addSegmentWebhook: { id: string; url: string } }>(
      `mutation($w: WebhookInput!) { addSegmentWebhook(segmentId: "big-spenders", webhook: $w) { id url } }`,
      { w: { url: `http://127.0.0.1:${port}/hooks`, secret } },
    );
    const { recordOrders } = await gql<{ recordOrders: { outcomes: { profileId: string }[] } }>(
      `mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { outcomes { profileId } } }`,
      {
        o: [
          {
            orderId: 'big-1',
            customerId: 'big-c',
            email: 'big@example.com',
            placedAt: new Date().toISOString(),
            currency: 'USD',
            total: 750,
          },
        ],
      },
    );
    const delivered = await until('a successful delivery', () =>
      Promise.resolve(received.find((r) => r.status === 200)),
    );
    const failed = received.find((r) => r.status === 503)!;
    const payload = JSON.parse(delivered.body) as Record<string, string>;
    expect(payload).toMatchObject({
      type: 'segment.membership_changed',
      segmentId: 'big-spenders',
      segmentName: 'Big spenders',
      profileId: recordOrders.outcomes[0]!.profileId,
      change: 'entered',
    });
    // The retry is the same delivery: same body id, same idempotency key.
    expect(failed.headers['idempotency-key']).toBe(payload.id);
    expect(delivered.headers['idempotency-key']).toBe(payload.id);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(
      String(delivered.headers['x-mosaic-signature']),
    )!;
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${delivered.body}`).digest('hex'));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(120);
    const { segment } = await gql<{ segment: { webhooks: { id: string }[] } }>(
      `{ segment(id: "big-spenders") { webhooks { id } } }`,
    );
    expect(segment.webhooks).toEqual([{ id: addSegmentWebhook.id }]);
  } finally {
    server.close();
  }
}, 60_000);
