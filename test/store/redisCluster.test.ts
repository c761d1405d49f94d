import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import {
  redisConnection,
  type RedisClient,
  type RedisConnectionKind,
} from '../../src/store/redis/connections';
import { redisKeys, type RedisKeys } from '../../src/store/redis/keys';
import { RedisPubSub } from '../../src/store/redis/redisPubSub';
import { parseRedisUrl } from '../../src/store/redis/redisUrl';
import { RedisStaleCache } from '../../src/store/redis/redisStaleCache';
import { QUEUES } from '../../src/workers/queues';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { postGraphQL } from '../support/gatewayProcess';
import { startOwnRedisCluster, type OwnRedisCluster } from '../support/redisServer';
import { until } from '../support/wait';

/**
 * Mosaic on a Redis Cluster of three masters, reached the way a deployment reaches one:
 * by `REDIS_URL` in its cluster form and nothing else. Each node refuses a command, MULTI
 * or Lua script whose keys hash to different slots (CROSSSLOT), and sends a client to
 * another node (MOVED) for a key it does not hold, so a client of one server cannot run
 * Mosaic here. A gateway and a worker run a workload that writes every kind of key Mosaic
 * keeps (job queues with deduplication, delays, a scheduler and webhooks; rate limits;
 * persisted queries; stale source answers) and erases a person whose cached answers are
 * on every master. Then no node has refused keys of two slots, Mosaic's keys are on every
 * master, the erasure's scrub found the person on every master, every key carries a hash
 * tag that we opened, each queue's keys share one slot, and the queues are not all in one
 * slot.
 */

const ADMIN = 'cluster-admin-key-0123456789abcdef';
const MASTERS = 3;
const ERASED = 'grace@example.com';
let cluster: OwnRedisCluster;
/** A plain client of each master: what that node holds and answered, seen from inside. */
let nodes: Redis[];
/** The cluster as Mosaic reaches it, from the same URL. */
let client: RedisClient;
let t: TestApp;
let worker: WorkerApp;
let hooks: Server;
let deliveries = 0;

beforeAll(async () => {
  cluster = await startOwnRedisCluster(MASTERS);
  nodes = cluster.nodes.map((n) => new Redis(n.url, { maxRetriesPerRequest: 1 }));
  client = redisConnection(cluster.url, 'toolCache');
  hooks = createServer((req, res) => {
    deliveries++;
    req.resume();
    res.end();
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  const env = {
    REDIS_URL: cluster.url,
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
  client?.disconnect();
  for (const node of nodes ?? []) node.disconnect();
  await cluster?.kill();
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

/** Runs the workload; returns the keys planted on every master that mention the erased person. */
async function runWorkload(): Promise<string[]> {
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
  await gql(`mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted } }`, {
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
  const cache = new RedisStaleCache(client, redisKeys(t.database), 60);
  const answers = ['a', 'b', 'c'].map((key) => ({ key, value: { key } }));
  await cache.setMany('batch', answers, new Date());
  expect((await cache.getMany('batch', ['a', 'b', 'c', 'd'])).map((c) => c?.value)).toEqual([
    ...answers.map((a) => a.value),
    undefined,
  ]);
  // A record matched later (it does not exist: the job finds nothing), and an erasure:
  // the scrub, and its sweep as a delayed job.
  await worker.queues.matchLater('no-such-record');
  const planted = await plantOnEveryMaster(redisKeys(t.database));
  await gql(`mutation { erasePerson(kind: EMAIL, value: "${ERASED}") { erasureId } }`);
  await until(
    'the queues to drain',
    async () => {
      const queues = [worker.queues.enrichment, worker.queues.webhooks, worker.queues.identity];
      const counts = await Promise.all(
        queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized')),
      );
      // Delayed: the erasure's sweep must have run; a schedule's next job (settling) waits.
      const delayed = (await Promise.all(queues.map((q) => q.getDelayed()))).flat();
      return (
        counts.every((c) => Object.values(c).every((n) => n === 0)) &&
        delayed.every((job) => job.repeatJobKey !== undefined)
      );
    },
    60_000,
  );
  return planted;
}

const slotOf = async (key: string) => Number(await nodes[0]!.call('CLUSTER', 'KEYSLOT', key));
const masterOf = (slot: number) =>
  cluster.nodes.findIndex((n) => n.firstSlot <= slot && slot <= n.lastSlot);
/** Every key of every master. */
const allKeys = async () => (await Promise.all(nodes.map((n) => n.keys('*')))).flat();

/**
 * Cached answers that mention the erased person, one on each master, written through the
 * cluster client: a scrub that scans fewer masters than all leaves one behind.
 */
async function plantOnEveryMaster(keys: RedisKeys): Promise<string[]> {
  const byMaster = new Map<number, string>();
  for (let i = 0; byMaster.size < MASTERS; i++) {
    const master = masterOf(await slotOf(keys.staleAnswer('planted', `req-${i}`)));
    if (!byMaster.has(master)) byMaster.set(master, `req-${i}`);
  }
  const requestKeys = [...byMaster.values()];
  await new RedisStaleCache(client, keys, 600).setMany(
    'planted',
    requestKeys.map((key) => ({ key, value: { emails: [ERASED] } })),
    new Date(),
  );
  const planted = requestKeys.map((k) => keys.staleAnswer('planted', k));
  for (const key of planted)
    expect({ key, onItsMaster: await nodes[masterOf(await slotOf(key))]!.exists(key) }).toEqual({
      key,
      onItsMaster: 1,
    });
  return planted;
}

test('REDIS_URL names a cluster by its seed nodes; every kind of connection is then a cluster client', () => {
  const kinds: RedisConnectionKind[] = [
    'probe',
    'cache',
    'toolCache',
    'queue',
    'publisher',
    'subscriber',
    'erasure',
  ];
  for (const kind of kinds) {
    const connection = redisConnection(cluster.url, kind);
    expect({ kind, cluster: connection instanceof Cluster }).toEqual({ kind, cluster: true });
    connection.disconnect();
  }
  const server = redisConnection('redis://127.0.0.1:6379', 'erasure');
  expect(server).toBeInstanceOf(Redis);
  server.disconnect();
  expect(parseRedisUrl('rediss+cluster://mosaic:p%40ss@redis-a:7000,[::1]:7001')).toEqual({
    kind: 'cluster',
    seeds: [
      { host: 'redis-a', port: 7000 },
      { host: '::1', port: 7001 },
    ],
    username: 'mosaic',
    password: 'p@ss',
    tls: true,
  });
  expect(() => testConfig({ REDIS_URL: 'redis+cluster://127.0.0.1:7000/2' })).toThrow(
    /REDIS_URL: a Redis Cluster URL has no database/,
  );
  expect(() => testConfig({ REDIS_URL: 'redis+cluster://127.0.0.1:7000,,127.0.0.1:7001' })).toThrow(
    /REDIS_URL: .*seed nodes as host:port/,
  );
  expect(() => testConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(
    /REDIS_URL: must be a URL starting with redis:\/\/ or rediss:\/\/, or a Redis Cluster/,
  );
});

test('each node refuses keys of different slots in one command, and keys it does not hold', async () => {
  await expect(nodes[0]!.mget('mosaic:a', 'mosaic:b')).rejects.toThrow(/CROSSSLOT/);
  const elsewhere = Array.from({ length: 100 }, (_, i) => `mosaic:k${i}`);
  const slots = await Promise.all(elsewhere.map(slotOf));
  const held = elsewhere.find((_, i) => masterOf(slots[i]!) !== 0)!;
  await expect(nodes[0]!.get(held)).rejects.toThrow(/MOVED/);
});

test('pub/sub reaches a subscriber through the cluster', async () => {
  const keys = redisKeys(`${t.database}_pubsub`);
  const subscriber = new RedisPubSub(cluster.url, keys, silentLogger);
  const publisher = new RedisPubSub(cluster.url, keys, silentLogger);
  try {
    const messages = subscriber.subscribe<{ n: number }>('check');
    let heard: { n: number } | null = null;
    void messages.next().then((r) => (heard = r.value as { n: number }));
    // The subscription is made in the background: publish until it is heard.
    await until('a published message to be heard', async () => {
      await publisher.publish('check', { n: 1 });
      return heard;
    });
    expect(heard).toEqual({ n: 1 });
    await messages.return?.();
  } finally {
    await subscriber.close();
    await publisher.close();
  }
});

test('every key Mosaic writes is hash-tagged, and nothing it does crosses slots', async () => {
  for (const node of nodes) await node.call('CONFIG', 'RESETSTAT'); // error counts from here on
  const planted = await runWorkload();
  // The workload did what it says, so that the keys below are all of Mosaic's kinds.
  expect(deliveries).toBeGreaterThan(0);
  const completed = await worker.queues.identity.getJobCounts('completed');
  expect(completed.completed).toBeGreaterThanOrEqual(2); // matchLater and the sweep
  expect((await worker.queues.enrichment.getJobCounts('completed')).completed).toBeGreaterThan(0);

  // Errors any node answered anyone with (ioredis's CLIENT SETINFO on Redis 7.0 are ERRs):
  // none refused keys of two slots. (A MOVED may be there: a cluster client sends a command
  // racing a node's first connection to another node, which sends it back.)
  const errors = (await Promise.all(nodes.map((n) => n.info('errorstats')))).join('\n');
  expect(errors).not.toMatch(/CROSSSLOT/);
  // Readiness is checked through the cluster too.
  expect((await fetch(`${t.url}/readyz`)).status).toBe(200);

  // The erasure's scrub (the gateway's, then its sweep's on the worker) went over every
  // master: nothing outside the queues mentions the person on any of them.
  for (const key of planted)
    expect({ key, left: await client.exists(key) }).toEqual({ key, left: 0 });
  const keys = redisKeys(t.database);
  const all = await allKeys();
  for (const key of all.filter((k) => !k.startsWith(keys.queueKeys))) {
    const value = (await client.type(key)) === 'string' ? await client.get(key) : null;
    expect({ key, mentions: value?.includes(ERASED) ?? false }).toEqual({ key, mentions: false });
  }
  // Mosaic's keys are spread over every master, which only a cluster client can write.
  for (const [i, node] of nodes.entries())
    expect({ master: i, keys: (await node.dbsize()) > 0 }).toEqual({ master: i, keys: true });

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
