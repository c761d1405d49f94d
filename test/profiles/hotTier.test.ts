import { Redis } from 'ioredis';
import { createApp, type App } from '../../src/app';
import type { GoldProfile } from '../../src/profiles/goldDocuments';
import { redisKeys } from '../../src/store/redis/keys';
import { RedisHotTier } from '../../src/store/redis/redisHotTier';
import { silentLogger, testConfig, uniqueDatabaseName } from '../support/env';
import { queryGraphQL } from '../support/gatewayProcess';
import { dropPgSchema, pgSchemaFor } from '../support/postgres';
import { dropRedisKeys } from '../support/redis';
import { startOwnRedis, type OwnRedis } from '../support/redisServer';
import { until } from '../support/wait';

/**
 * The profile hot tier: its fence tokens (a fill begun before a fence never lands), and
 * two gateways sharing one database and one Redis, where a write through either is seen
 * by the other's next read whatever it had cached: trait updates, merges, unmerges and
 * erasures. Then Redis is stopped under a gateway, and reads still answer from the store.
 */

const database = uniqueDatabaseName('hottier');
const pgSchema = pgSchemaFor(database);
const config = testConfig({ POSTGRES_SCHEMA: pgSchema });
let a: { app: App; url: string };
let b: { app: App; url: string };

async function gateway(overrides: Record<string, string> = {}, db = database) {
  const app = await createApp(
    testConfig({ POSTGRES_SCHEMA: pgSchema, ...overrides }),
    silentLogger,
    {
      database: db,
    },
  );
  const port = await app.gateway.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  a = await gateway();
  b = await gateway();
}, 60_000);

afterAll(async () => {
  await a.app.db.dropDatabase().catch(() => undefined);
  await Promise.all([a.app.close(), b.app.close()]);
  await dropPgSchema(pgSchema).catch(() => undefined);
  await dropRedisKeys(database).catch(() => undefined);
});

const CONTACT = `mutation($input: CrmContactInput!) { upsertCrmContact(input: $input) { id } }`;
const TRACK = `mutation($events: [EventInput!]!) { trackEvents(events: $events, wait: true) { accepted pending } }`;
const READ = `query($kind: IdentifierKind!, $value: String!) {
  profileByIdentifier(kind: $kind, value: $value) {
    id traits identifiers { kind value } mergedFrom computedTraits segments { id }
    recentEvents(first: 20) { id }
  }
}`;

interface Read {
  profileByIdentifier: {
    id: string;
    traits: Record<string, unknown>;
    identifiers: { kind: string; value: string }[];
    mergedFrom: string[];
    recentEvents: { id: string }[];
  } | null;
}

const read = (url: string, kind: string, value: string) =>
  queryGraphQL<Read>(url, READ, { kind, value }).then((r) => r.profileByIdentifier);
const upsert = (url: string, crmId: string, email: string, attributes: Record<string, unknown>) =>
  queryGraphQL<{ upsertCrmContact: { id: string } }>(url, CONTACT, {
    input: { crmId, emails: [email], attributes },
  }).then((r) => r.upsertCrmContact.id);
const track = (url: string, events: Record<string, unknown>[]) =>
  queryGraphQL(url, TRACK, { events });
const hits = (app: App) => app.services.gold!.counts.hot.hit;

/** Reads until the tier serves the profile (the first read learns the identity, the second fills). */
async function cached(url: string, app: App, kind: string, value: string) {
  for (let i = 0; i < 3; i++) {
    const before = hits(app);
    const answer = await read(url, kind, value);
    if (hits(app) > before) return answer;
  }
  throw new Error(`${kind} ${value} was never served from the hot tier`);
}

describe('fence tokens', () => {
  let redis: Redis;
  let tier: RedisHotTier;
  const keys = redisKeys(`${database}_tokens`);
  const gold = (traits: Record<string, unknown>): GoldProfile => ({
    profile: {
      _id: 'P1',
      mergedInto: null,
      identifiers: [{ kind: 'EMAIL', value: 'p1@example.com' }],
      traits,
      sources: [],
      mergedFrom: [],
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: new Date('2026-01-02T00:00:00Z'),
      build: { logLengths: { P1: 1 }, pendingChildren: {}, traitOrigins: {} },
    },
    events: [],
    computedTraits: { orderCount: 2 },
    segmentIds: ['vip'],
    builtAt: new Date(),
  });

  beforeAll(() => {
    redis = new Redis(config.redis.url);
    tier = new RedisHotTier(redis, keys, 60);
  });
  afterAll(async () => {
    await dropRedisKeys(`${database}_tokens`);
    redis.disconnect();
  });

  test('a fill under the current token is served as stored, dates and all', async () => {
    const { token, gold: none } = await tier.read('P1');
    expect(none).toBeNull();
    const stored = gold({ plan: 'pro', since: new Date('2025-05-05'), score: 0.25, n: 3 });
    expect(await tier.fill('P1', token, stored)).toBe(true);
    const { gold: served, token: same } = await tier.read('P1');
    expect(same).toBe(token);
    expect(served).toEqual(stored);
    expect(await redis.ttl(keys.hotGold('P1'))).toBeGreaterThan(0);
  });

  test('a fence drops the document, and a fill begun before it never lands', async () => {
    const { token } = await tier.read('P1');
    await tier.fence(['P1']);
    expect(await tier.fill('P1', token, gold({ plan: 'stale' }))).toBe(false);
    expect((await tier.read('P1')).gold).toBeNull();
  });

  test('a token that expired and came back does not accept a fill begun before', async () => {
    const { token } = await tier.read('P1');
    await redis.del(keys.hotToken('P1')); // evicted, or expired
    await tier.read('P1'); // a new reader starts a new token
    expect(await tier.fill('P1', token, gold({ plan: 'stale' }))).toBe(false);
  });
});

describe('two gateways sharing the tier', () => {
  test('a read fills the tier and the next one is served from it', async () => {
    await upsert(a.url, 'hot-1', 'hot1@example.com', { plan: 'free' });
    const first = await cached(b.url, b.app, 'EMAIL', 'hot1@example.com');
    expect(first?.traits.plan).toBe('free');
  });

  test('a trait written through one gateway is read through the other', async () => {
    await cached(b.url, b.app, 'EMAIL', 'hot1@example.com');
    await upsert(a.url, 'hot-1', 'hot1@example.com', { plan: 'pro' });
    expect((await read(b.url, 'EMAIL', 'hot1@example.com'))?.traits.plan).toBe('pro');
  });

  test('a merge is seen through the other gateway by both identities', async () => {
    const crmId = await upsert(a.url, 'hot-2', 'hot2@example.com', { plan: 'pro' });
    await track(a.url, [
      { type: 'TRACK', messageId: 'hot2-view', event: 'Viewed', anonymousId: 'anon-hot-2' },
    ]);
    const anonymous = await cached(b.url, b.app, 'ANONYMOUS_ID', 'anon-hot-2');
    await cached(b.url, b.app, 'EMAIL', 'hot2@example.com');
    expect(anonymous?.id).not.toBe(crmId);

    await track(a.url, [
      {
        type: 'IDENTIFY',
        messageId: 'hot2-identify',
        anonymousId: 'anon-hot-2',
        traits: { email: 'hot2@example.com' },
      },
    ]);
    const viaAnonymous = await read(b.url, 'ANONYMOUS_ID', 'anon-hot-2');
    const viaEmail = await read(b.url, 'EMAIL', 'hot2@example.com');
    expect(viaAnonymous?.id).toBe(crmId);
    expect(viaEmail?.id).toBe(crmId);
    expect(viaEmail?.mergedFrom).toEqual([anonymous!.id]);
    expect(viaEmail?.recentEvents.map((e) => e.id)).toEqual(
      expect.arrayContaining(['hot2-view', 'hot2-identify']),
    );
  });

  test('an event tracked through one gateway is among the other gateway’s recent events', async () => {
    await cached(b.url, b.app, 'EMAIL', 'hot2@example.com');
    await track(a.url, [
      { type: 'TRACK', messageId: 'hot2-late', event: 'Bought', anonymousId: 'anon-hot-2' },
    ]);
    const events = (await read(b.url, 'EMAIL', 'hot2@example.com'))?.recentEvents ?? [];
    expect(events[0]?.id).toBe('hot2-late');
  });

  test('an unmerge is seen through the other gateway on both sides', async () => {
    const survivor = await upsert(a.url, 'hot-3a', 'hot3a@example.com', { plan: 'pro' });
    const other = await upsert(a.url, 'hot-3b', 'hot3b@example.com', { plan: 'free' });
    await queryGraphQL(
      a.url,
      `mutation($a: ID!, $b: ID!) { mergeProfiles(profileId: $a, otherProfileId: $b, note: "same") { id } }`,
      { a: survivor, b: other },
    );
    const merged = await cached(b.url, b.app, 'EMAIL', 'hot3b@example.com');
    expect(merged?.id).toBe(survivor);
    await cached(b.url, b.app, 'EMAIL', 'hot3a@example.com');

    await queryGraphQL(
      a.url,
      `mutation($p: ID!) { unmergeProfile(profileId: $p, recordIds: ["crm:hot-3b"]) { unmergeId } }`,
      { p: survivor },
    );
    const split = await read(b.url, 'EMAIL', 'hot3b@example.com');
    const remaining = await read(b.url, 'EMAIL', 'hot3a@example.com');
    expect(split?.id).toBe(other);
    expect(remaining?.id).toBe(survivor);
    expect(remaining?.identifiers.map((i) => i.value)).not.toContain('hot3b@example.com');
    expect(remaining?.mergedFrom).toEqual([]);
  });

  test('an erasure through one gateway empties the tier of the person for both', async () => {
    const id = await upsert(a.url, 'hot-4', 'hot4@example.com', { secret: 'Quillfeather-4' });
    await cached(b.url, b.app, 'EMAIL', 'hot4@example.com');
    await cached(a.url, a.app, 'EMAIL', 'hot4@example.com');
    await queryGraphQL(
      a.url,
      `mutation { erasePerson(kind: EMAIL, value: "hot4@example.com") { erasureId } }`,
    );
    expect(await read(b.url, 'EMAIL', 'hot4@example.com')).toBeNull();
    expect(await read(a.url, 'EMAIL', 'hot4@example.com')).toBeNull();

    const redis = new Redis(config.redis.url);
    try {
      const keys = await redis.keys(`mosaic:${database}:hot:*`);
      const values = await Promise.all(
        keys.map(async (k) =>
          (await redis.type(k)) === 'hash'
            ? Object.values(await redis.hgetallBuffer(k))
                .map((v) => v.toString('latin1'))
                .join()
            : ((await redis.getBuffer(k))?.toString('latin1') ?? ''),
        ),
      );
      expect(keys.filter((k) => k.includes(id))).toEqual([
        expect.stringContaining(':token'), // a token names no one; the document is gone
      ]);
      expect(values.filter((v) => v.includes('Quillfeather-4') || v.includes('hot4@'))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

describe('Redis stopped', () => {
  let own: OwnRedis;
  let g: { app: App; url: string };
  const ownDatabase = `${database}_own`;

  beforeAll(async () => {
    own = await startOwnRedis();
    g = await gateway({ REDIS_URL: own.url }, ownDatabase);
  }, 60_000);
  afterAll(async () => {
    await g.app.db.dropDatabase().catch(() => undefined);
    await g.app.close();
    await own.kill();
  });

  test('reads answer from the store, and writes made meanwhile are read after it returns', async () => {
    await upsert(g.url, 'down-1', 'down1@example.com', { plan: 'free' });
    await cached(g.url, g.app, 'EMAIL', 'down1@example.com');

    await own.kill();
    const bypassed = g.app.services.gold!.counts.hot.bypass;
    expect((await read(g.url, 'EMAIL', 'down1@example.com'))?.traits.plan).toBe('free');
    await upsert(g.url, 'down-1', 'down1@example.com', { plan: 'pro' });
    expect((await read(g.url, 'EMAIL', 'down1@example.com'))?.traits.plan).toBe('pro');
    expect(g.app.services.gold!.counts.hot.bypass).toBeGreaterThan(bypassed);

    await own.start();
    // Its fence retried and landed (this Redis came back empty anyway), the tier is used again.
    const answer = await until('the tier to serve again', () =>
      cached(g.url, g.app, 'EMAIL', 'down1@example.com').catch(() => null),
    );
    expect(answer?.traits.plan).toBe('pro');
  }, 60_000);
});
