import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { redisKeys } from '../../src/store/redis/keys';
import { RedisStaleCache } from '../../src/store/redis/redisStaleCache';
import { QUEUES } from '../../src/workers/queues';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { postGraphQL } from '../support/gatewayProcess';
import { startOwnRedis, type OwnRedis } from '../support/redisServer';
import { until } from '../support/wait';

/**
 * Mosaic on Redis in cluster mode: a one-node cluster holding every slot, which refuses
 * any command, MULTI or Lua script whose keys hash to different slots (CROSSSLOT) as a
 * cluster of many nodes does. A gateway and a worker run a workload that writes every
 * kind of key Mosaic keeps (job queues with deduplication, delays, a scheduler and
 * webhooks; rate limits; persisted queries; stale source answers; an erasure's scrub).
 * Then Redis has refused nothing, every key carries a hash tag that we opened, each
 * queue's keys share one slot, and the queues are not all in one slot.
 */

const ADMIN = 'cluster-admin-key-0123456789abcdef';
let redisServer: OwnRedis;
let redis: Redis;
let t: TestApp;
let worker: WorkerApp;
let hooks: Server;
let deliveries = 0;

beforeAll(async () => {
  redisServer = await startOwnRedis({ cluster: true });
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  hooks = createServer((req, res) => {
    deliveries++;
    req.resume();
    res.end();
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const env = {
    REDIS_URL: redisServer.url,
    MOSAIC_AUTH: 'on',
    MOSAIC_ADMIN_KEY: ADMIN,
    MOSAIC_ERASURE_SWEEP_DELAY_MS: '500',
  };
  t = await startTestApp('rediscluster', env);
  worker = await createWorkerApp(
    testConfig({ ...env, POSTGRES_SCHEMA: t.pgSchema }),
    silentLogger,
    { database: t.database },
  );
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await t?.close();
  redis?.disconnect();
  await redisServer?.kill();
  hooks?.close();
});

const gql = async (query: string, variables: Record<string, unknown> = {}) => {
  const { status, body } = await postGraphQL(t.url, query, variables, {
    authorization: `Bearer ${ADMIN}`,
  });
  expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  return body.data as Record<string, unknown>;
};

const CONTACT = `mutation($input: CrmContactInput!) { upsertCrmContact(input: $input) { id } }`;
const PROFILE = `query($value: String!) { profileByIdentifier(kind: EMAIL, value: $value) {
  id crmRecords { crmId } orders(first: 5) { edges { node { orderId } } } events(first: 5) { edges { node { id } } }
} }`;

async function runWorkload(): Promise<void> {
  await gql(
    `mutation { defineSegment(name: "Pros", rule: {trait: "plan", op: "eq", value: "pro"}) { id } }`,
  );
  await gql(
    `mutation($w: WebhookInput!) { addSegmentWebhook(segmentId: "pros", webhook: $w) { id } }`,
    {
      w: {
        url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/h`,
        secret: 'whsec-cluster-0123456789',
      },
    },
  );
  for (const [crmId, email] of [
    ['c-1', 'ada@example.com'],
    ['c-2', 'grace@example.com'],
  ])
    await gql(CONTACT, { input: { crmId, emails: [email], attributes: { plan: 'pro' } } });
  await gql(`mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`, {
    e: [
      {
        type: 'IDENTIFY',
        messageId: 'cl-m1',
        userId: 'ada-1',
        traits: { email: 'ada@example.com' },
        timestamp: '2026-11-01T10:00:00Z',
      },
    ],
  });
  await gql(`mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`, {
    o: [
      {
        orderId: 'cl-o1',
        customerId: 'ada-cust',
        email: 'ada@example.com',
        placedAt: '2026-11-02T12:00:00Z',
        currency: 'USD',
        total: 10,
      },
    ],
  });
  // Profile reads cache each source's answer (the stale cache).
  for (const value of ['ada@example.com', 'grace@example.com']) await gql(PROFILE, { value });
  // A persisted query registered (APQ), and a refused credential (the failure limiter).
  const query = '{ whoami { role } }';
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const registered = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
  });
  expect(registered.status).toBe(200);
  const refused = await postGraphQL(t.url, query, undefined, {
    authorization: 'Bearer not-a-key-0123456789',
  });
  expect(refused.status).toBe(401);
  // Many answers at once, as a source's batch and its fallback read them (a read from the
  // cache needs the source to fail, which nothing above makes it).
  const cache = new RedisStaleCache(redis, redisKeys(t.database), 60);
  const answers = ['a', 'b', 'c'].map((key) => ({ key, value: { key } }));
  await cache.setMany('batch', answers, new Date());
  expect((await cache.getMany('batch', ['a', 'b', 'c', 'd'])).map((c) => c?.value)).toEqual([
    ...answers.map((a) => a.value),
    undefined,
  ]);
  // A record matched later (it does not exist: the job finds nothing), and an erasure:
  // the scrub, and its sweep as a delayed job.
  await worker.queues.matchLater('no-such-record');
  await gql(`mutation { erasePerson(kind: EMAIL, value: "grace@example.com") { erasureId } }`);
  await until(
    'the queues to drain',
    async () => {
      const counts = await Promise.all(
        [worker.queues.enrichment, worker.queues.webhooks, worker.queues.identity].map((q) =>
          q.getJobCounts('waiting', 'active', 'delayed', 'prioritized'),
        ),
      );
      return counts.every((c) => Object.values(c).every((n) => n === 0));
    },
    60_000,
  );
}

const slotOf = async (key: string) => Number(await redis.call('CLUSTER', 'KEYSLOT', key));

test('Redis in cluster mode refuses keys of different slots in one command', async () => {
  await expect(redis.mget('mosaic:a', 'mosaic:b')).rejects.toThrow(/CROSSSLOT/);
});

test('every key Mosaic writes is hash-tagged, and nothing it does crosses slots', async () => {
  await redis.call('CONFIG', 'RESETSTAT'); // error counts from here on
  await runWorkload();
  // The workload did what it says, so that the keys below are all of Mosaic's kinds.
  expect(deliveries).toBeGreaterThan(0);
  const completed = await worker.queues.identity.getJobCounts('completed');
  expect(completed.completed).toBeGreaterThanOrEqual(2); // matchLater and the sweep
  expect((await worker.queues.enrichment.getJobCounts('completed')).completed).toBeGreaterThan(0);

  // Errors Redis answered anyone with (ioredis's CLIENT SETINFO on Redis 7.0 are ERRs).
  expect(await redis.info('errorstats')).not.toMatch(/CROSSSLOT/);

  const keys = redisKeys(t.database);
  const all = await redis.keys('*');
  const families = new Map<string, string[]>();
  for (const key of all) {
    expect(key.startsWith(keys.prefix)).toBe(true);
    // The first `{` is ours (after the deployment's prefix) and opens a non-empty tag.
    const open = key.indexOf('{');
    expect({ key, open: open >= keys.prefix.length }).toEqual({ key, open: true });
    expect({ key, tagged: key.indexOf('}', open) > open + 1 }).toEqual({ key, tagged: true });
    const family = key.startsWith(keys.queueKeys)
      ? 'queues'
      : key.slice(keys.prefix.length, key.indexOf('{')) || 'persisted queries';
    families.set(family, [...(families.get(family) ?? []), key]);
  }
  expect([...families.keys()]).toEqual(
    expect.arrayContaining([
      'queues',
      'rate:',
      'persisted queries',
      'source:crm:',
      'source:orders:',
      'source:events:',
    ]),
  );

  // Each queue's keys share one slot (BullMQ's scripts need it), and the queues spread.
  const queueSlots = new Set<number>();
  for (const queue of Object.values(QUEUES)) {
    const own = all.filter((k) => k.startsWith(`${keys.queuePrefix(queue)}:${queue}:`));
    expect({ queue, keys: own.length > 0 }).toEqual({ queue, keys: true });
    const slots = new Set(await Promise.all(own.map(slotOf)));
    expect({ queue, slots: slots.size }).toEqual({ queue, slots: 1 });
    queueSlots.add([...slots][0]!);
  }
  expect(queueSlots.size).toBeGreaterThan(1);
  // Every queue key is one of the queues' (none outside a queue's prefix).
  expect(
    families
      .get('queues')!
      .filter((k) => !Object.values(QUEUES).some((q) => k.startsWith(`${keys.queuePrefix(q)}:`))),
  ).toEqual([]);
}, 120_000);

test('a database name with a brace, which would take over every hash tag, is refused', () => {
  expect(() => redisKeys('tenant{1}')).toThrow(/cannot contain/);
});
