import { Analytics } from '@segment/analytics-node';
import { createApp, type App } from '../../src/app';
import type { EventDoc, LogEntryDoc } from '../../src/store/models';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { postGraphQL } from '../support/gatewayProcess';
import { pipelineDrained } from '../support/pipeline';

/**
 * Bronze first: the tracking API and `trackEvents` answer once events are durably
 * accepted, and the resolution pipeline applies them behind the answer, exactly once, on
 * the right profile. Back-pressure refuses new work with 429 + Retry-After once the
 * backlog passes its bound, and the official SDK's retries land once it drains.
 */

const WRITE_KEY = 'test-write-key';
/** Batches of 100 per sender, 16 senders. */
const ROUNDS = 2;
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

async function post(url: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

/** Every event log entry of the database: messageId → the profiles whose logs hold it. */
async function loggedEvents(t: TestApp): Promise<Map<string, string[]>> {
  const entries = await t.app.db
    .collection<LogEntryDoc<EventDoc>>('event_log')
    .find({}, { projection: { log: 1, 'data._id': 1 } })
    .toArray();
  const where = new Map<string, string[]>();
  for (const e of entries)
    where.set(e.data._id, [...(where.get(e.data._id) ?? []), e.log.replace(/^events:/, '')]);
  return where;
}

describe('a burst through the tracking API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pipelineburst');
  });
  afterAll(() => t.close());

  test('is acknowledged in full, then every accepted event is applied once, on its person’s profile', async () => {
    // 16 senders × 2 batches of 100: 128 visitors, each anonymous first, then identified
    // (identify links the anonymous id to the user), then tracked under the user id.
    const visitor = (v: number) => ({ anon: `burst-anon-${v}`, user: `burst-user-${v}` });
    const calls = (sender: number, round: number) =>
      Array.from({ length: 100 }, (_, i) => {
        const v = (sender * ROUNDS + round) * 4 + Math.floor(i / 25); // 4 visitors per batch
        const step = i % 25;
        const { anon, user } = visitor(v);
        const messageId = `burst-${sender}-${round}-${i}`;
        if (step < 10) return { type: 'page', anonymousId: anon, name: `P${step}`, messageId };
        if (step === 10)
          return { type: 'identify', anonymousId: anon, userId: user, messageId, traits: { v } };
        return { type: 'track', userId: user, event: `E${step}`, messageId };
      });
    const answers = await Promise.all(
      Array.from({ length: 16 }, async (_, sender) => {
        const out = [];
        for (let round = 0; round < ROUNDS; round++)
          out.push(await post(t.url, '/v1/batch', { batch: calls(sender, round) }));
        return out;
      }),
    );
    for (const a of answers.flat()) {
      expect(a.status).toBe(200);
      expect(a.body).toEqual({ success: true, accepted: 100, duplicates: 0 });
    }
    // A resend of one batch is counted as duplicates and changes nothing.
    const again = await post(t.url, '/v1/batch', { batch: calls(3, 1) });
    expect(again.body).toEqual({ success: true, accepted: 0, duplicates: 100 });

    await pipelineDrained(t.app.services, 90_000);
    const logged = await loggedEvents(t);
    expect(logged.size).toBe(16 * ROUNDS * 100);
    const twice = [...logged].filter(([, profiles]) => profiles.length !== 1);
    expect(twice).toEqual([]);
    // Right profile: each visitor's events are all in one cluster, the user's.
    const sample = [0, 57, 100, 127];
    for (const v of sample) {
      const { body } = await postGraphQL<{
        profileByIdentifier: { id: string; mergedFrom: string[]; eventStats: { count: number } };
      }>(
        t.url,
        `query($v: String!) { profileByIdentifier(kind: ANONYMOUS_ID, value: $v) {
          id mergedFrom eventStats { count } } }`,
        { v: visitor(v).anon },
      );
      const profile = body.data!.profileByIdentifier;
      expect(profile.eventStats.count).toBe(25);
      const cluster = new Set([profile.id, ...profile.mergedFrom]);
      const own = [...logged].filter(([id]) => {
        const [, sender, round, i] = id.split('-').map(Number);
        return (sender! * ROUNDS + round!) * 4 + Math.floor(i! / 25) === v;
      });
      expect(own).toHaveLength(25);
      for (const [, [profileId]] of own) expect(cluster.has(profileId!)).toBe(true);
    }
  }, 120_000);

  test('trackEvents with wait: true answers with the profile each event was applied to', async () => {
    const { body } = await postGraphQL<{
      trackEvents: {
        accepted: number;
        pending: number;
        outcomes: { messageId: string; profileId: string | null; applied: boolean }[];
      };
    }>(
      t.url,
      `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) {
        accepted pending outcomes { messageId profileId applied } } }`,
      {
        e: [
          { type: 'IDENTIFY', userId: 'wait-user', messageId: 'wait-1', traits: { plan: 'pro' } },
          { type: 'TRACK', userId: 'wait-user', event: 'Bought', messageId: 'wait-2' },
        ],
      },
    );
    expect(body.errors).toBeUndefined();
    const result = body.data!.trackEvents;
    expect(result).toMatchObject({ accepted: 2, pending: 0 });
    const read = await postGraphQL<{
      profileByIdentifier: { id: string; traits: { plan: string } };
    }>(t.url, `{ profileByIdentifier(kind: USER_ID, value: "wait-user") { id traits } }`);
    const profile = read.body.data!.profileByIdentifier;
    expect(profile.traits.plan).toBe('pro');
    for (const o of result.outcomes)
      expect(o).toMatchObject({ applied: true, profileId: profile.id });

    // Without waiting: accepted, not applied yet as far as the answer knows.
    const quick = await postGraphQL<{
      trackEvents: { pending: number; outcomes: { profileId: string | null; applied: boolean }[] };
    }>(
      t.url,
      `mutation($e: [EventInput!]!) { trackEvents(events: $e) { pending outcomes { profileId applied } } }`,
      { e: [{ type: 'TRACK', userId: 'wait-user', event: 'Later', messageId: 'wait-3' }] },
    );
    expect(quick.body.data!.trackEvents).toEqual({
      pending: 1,
      outcomes: [{ profileId: null, applied: false }],
    });
  });

  test('pipelineStatus reports the backlog, the lag over the last minute and the workers', async () => {
    await t.drained();
    const { body } = await postGraphQL<{
      pipelineStatus: {
        backlog: number;
        oldestWaitingSeconds: number;
        appliedLastMinute: number;
        lagP50Seconds: number;
        lagP99Seconds: number;
        workers: { name: string; partitions: number }[];
      };
    }>(
      t.url,
      `{ pipelineStatus { backlog oldestWaitingSeconds appliedLastMinute lagP50Seconds
         lagP99Seconds workers { name partitions } } }`,
    );
    const status = body.data!.pipelineStatus;
    expect(status.backlog).toBe(0);
    expect(status.oldestWaitingSeconds).toBe(0);
    expect(status.appliedLastMinute).toBeGreaterThanOrEqual(16 * ROUNDS * 100);
    expect(status.lagP50Seconds).toBeGreaterThan(0);
    expect(status.lagP99Seconds).toBeGreaterThanOrEqual(status.lagP50Seconds);
    // One gateway runs the pipeline here: it holds every partition.
    expect(status.workers.map((w) => w.partitions)).toEqual([32]);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/mosaic_pipeline_backlog_events 0/);
    expect(metrics).toMatch(/mosaic_pipeline_lag_seconds_count\{lane="bulk"\} [1-9]/);
  });
});

describe('back-pressure', () => {
  let t: TestApp;
  let applier: App | null = null;
  beforeAll(async () => {
    // Nothing applies events until the test starts a pipeline, so the backlog grows.
    t = await startTestApp('pipelinepressure', {
      MOSAIC_PIPELINE: 'worker',
      MOSAIC_INGEST_MAX_BACKLOG: '50',
      MOSAIC_INGEST_RETRY_AFTER_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await applier?.close();
    await t.close();
  });

  test('past its bound the tracking API answers 429 with Retry-After, and the SDK’s retries land once it drains', async () => {
    for (let i = 0; i < 3; i++) {
      const calls = Array.from({ length: 20 }, (_, j) => ({
        type: 'track',
        userId: `bp-${j}`,
        event: 'Early',
        messageId: `bp-early-${i}-${j}`,
      }));
      expect((await post(t.url, '/v1/batch', { batch: calls })).status).toBe(200);
    }
    // The backlog is counted at most every 250 ms: the next count sees the 60 waiting.
    await new Promise((r) => setTimeout(r, 300));
    const refused = await post(t.url, '/v1/track', {
      userId: 'bp-x',
      event: 'X',
      messageId: 'bp-x',
    });
    expect(refused).toMatchObject({ status: 429, retryAfter: '1' });
    expect(refused.body).toMatchObject({ success: false, code: 'RATE_LIMITED' });
    expect((refused.body as { message: string }).message).toMatch(/60 events waiting/);

    // The official SDK meets the 429, waits as told, and retries.
    const analytics = new Analytics({
      writeKey: WRITE_KEY,
      host: t.url,
      flushAt: 10,
      flushInterval: 20,
      maxRetries: 3,
    });
    const errors: unknown[] = [];
    analytics.on('error', (err: { reason?: unknown }) => errors.push(String(err.reason)));
    const sawRefusal = new Promise<void>((resolve) =>
      analytics.on('http_response', (r: { status?: number }) => r.status === 429 && resolve()),
    );
    for (let i = 0; i < 30; i++)
      analytics.track({ userId: `sdk-bp-${i % 3}`, event: 'Retried', messageId: `bp-sdk-${i}` });
    // Start applying only once the SDK has been refused at least once.
    await sawRefusal;
    applier = await createApp(
      testConfig({ POSTGRES_SCHEMA: t.pgSchema, MOSAIC_PIPELINE: 'gateway' }),
      silentLogger,
      { database: t.database },
    );
    await analytics.closeAndFlush({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await pipelineDrained(t.app.services);
    const logged = await loggedEvents(t);
    for (let i = 0; i < 30; i++) expect(logged.get(`bp-sdk-${i}`)).toHaveLength(1);
    expect(logged.size).toBe(90);
  }, 60_000);
});
