import { Analytics } from '@segment/analytics-node';
import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL } from '../support/gatewayProcess';
import { withPg } from '../support/postgres';

/**
 * The official Segment Node SDK, pointed at Mosaic, works unchanged: its identify, track,
 * page and alias calls land in one profile, and re-sending the same messageIds changes
 * nothing. The tracking API answers once the events are accepted; profiles are updated
 * behind it by the resolution pipeline, so a test waits for it (`t.drained()`) before
 * reading what the SDK sent.
 */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp('segmentsdk');
});
afterAll(() => t.close());

function sdk(writeKey = 'test-write-key') {
  const errors: unknown[] = [];
  // One batch per flush: the calls reach the server in the order they were made.
  const analytics = new Analytics({
    writeKey,
    host: t.url,
    flushAt: 20,
    flushInterval: 50,
    maxRetries: 1,
  });
  analytics.on('error', (err: { reason?: unknown }) => errors.push(String(err.reason)));
  return { analytics, errors };
}

const PROFILE = `query($v: String!) { profileByIdentifier(kind: USER_ID, value: $v) {
  id mergedFrom identifiers { kind value } traits
  events(first: 50) { edges { node { id type event name anonymousId userId } } }
  eventStats { count }
  mergeLog { reason }
} }`;

interface Profile {
  id: string;
  mergedFrom: string[];
  identifiers: { kind: string; value: string }[];
  traits: Record<string, unknown>;
  events: {
    edges: { node: { id: string; type: string; event: string | null; name: string | null } }[];
  };
  eventStats: { count: number };
  mergeLog: { reason: string }[];
}

/** Events accepted into bronze (applied or not): a refused call adds none. */
function bronzeEvents(): Promise<number> {
  return withPg(async (pool) => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${t.pgSchema}".bronze_events`,
    );
    return Number(rows[0]!.n);
  });
}

async function profileOf(userId: string): Promise<Profile> {
  const { body } = await postGraphQL<{ profileByIdentifier: Profile }>(t.url, PROFILE, {
    v: userId,
  });
  expect(body.errors).toBeUndefined();
  return body.data!.profileByIdentifier;
}

/**
 * A visitor's journey, its messageIds and ids suffixed with `s`: browsing anonymously on a
 * laptop, then on a phone, and signing up (`browser`); then the server linking the phone
 * and recording an order (`server`).
 */
function browserCalls(analytics: Analytics, s = ''): void {
  analytics.page({
    anonymousId: `laptop-1${s}`,
    name: 'Pricing',
    messageId: `sdk${s}-1`,
    properties: { path: '/pricing' },
  });
  analytics.track({
    anonymousId: `laptop-1${s}`,
    event: 'Product Viewed',
    messageId: `sdk${s}-2`,
    properties: { sku: 'A1' },
  });
  analytics.track({ anonymousId: `phone-1${s}`, event: 'App Opened', messageId: `sdk${s}-3` });
  analytics.identify({
    anonymousId: `laptop-1${s}`,
    userId: `sdk-user-1${s}`,
    messageId: `sdk${s}-4`,
    traits: { email: `SDK.User${s}@Example.com`, plan: 'pro' },
  });
}

function serverCalls(analytics: Analytics, s = ''): void {
  analytics.alias({ previousId: `phone-1${s}`, userId: `sdk-user-1${s}`, messageId: `sdk${s}-5` });
  analytics.track({
    userId: `sdk-user-1${s}`,
    event: 'Order Completed',
    messageId: `sdk${s}-6`,
    properties: { total: 30 },
  });
}

/** Sends the calls through a fresh SDK client, flushes them, and waits for them to be applied. */
async function viaSdk(send: (analytics: Analytics) => void): Promise<void> {
  const { analytics, errors } = sdk();
  send(analytics);
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(errors).toEqual([]);
  await t.drained();
}

const journeyIdentifiers = (s = '') => [
  { kind: 'USER_ID', value: `sdk-user-1${s}` },
  { kind: 'EMAIL', value: `sdk.user${s}@example.com` },
  { kind: 'ANONYMOUS_ID', value: `laptop-1${s}` },
  { kind: 'ANONYMOUS_ID', value: `phone-1${s}` },
];

test('identify, track, page and alias sent by @segment/analytics-node end in one profile', async () => {
  // The tracking API keeps arrival order per partition (a visitor's anonymous id, else the
  // user id), not across partitions: the server's calls, keyed by user id, are sent once
  // the browser's sign-up is applied, as they would follow it in life. (The same journey
  // in one batch is the next test.)
  await viaSdk((analytics) => browserCalls(analytics));
  await viaSdk((analytics) => serverCalls(analytics));

  const profile = await profileOf('sdk-user-1');
  expect(profile.identifiers).toEqual(expect.arrayContaining(journeyIdentifiers()));
  expect(profile.traits).toMatchObject({ email: 'sdk.user@example.com', plan: 'pro' });
  // identify claimed the user id and email for the laptop's profile; alias merged the
  // phone's anonymous profile into it.
  expect(profile.mergedFrom).toHaveLength(1);
  expect(profile.mergeLog.map((m) => m.reason)).toEqual(['ALIAS']);
  expect(profile.events.edges.map((e) => e.node.id).sort()).toEqual([
    'sdk-1',
    'sdk-2',
    'sdk-3',
    'sdk-4',
    'sdk-5',
    'sdk-6',
  ]);
  expect(profile.events.edges.find((e) => e.node.id === 'sdk-1')!.node).toMatchObject({
    type: 'PAGE',
    name: 'Pricing',
  });
  expect(profile.eventStats.count).toBe(6);
});

test('the whole journey in one SDK batch ends in one profile, whatever order partitions apply in', async () => {
  // Its calls fall in three partitions (laptop, phone, user id) applied concurrently, so
  // which merge happens first may vary; where everything ends may not.
  await viaSdk((analytics) => {
    browserCalls(analytics, '-b');
    serverCalls(analytics, '-b');
  });

  const profile = await profileOf('sdk-user-1-b');
  expect(profile.identifiers).toEqual(expect.arrayContaining(journeyIdentifiers('-b')));
  expect(profile.identifiers).toHaveLength(4);
  expect(profile.traits).toMatchObject({ email: 'sdk.user-b@example.com', plan: 'pro' });
  for (const { kind, value } of journeyIdentifiers('-b')) {
    const { body } = await postGraphQL<{ profileByIdentifier: { id: string } | null }>(
      t.url,
      `query($k: IdentifierKind!, $v: String!) { profileByIdentifier(kind: $k, value: $v) { id } }`,
      { k: kind, v: value },
    );
    expect({ kind, value, id: body.data?.profileByIdentifier?.id }).toEqual({
      kind,
      value,
      id: profile.id,
    });
  }
  // Two anonymous profiles (laptop, phone) became one: one or two merges, each explained.
  expect(profile.mergedFrom.length).toBeGreaterThanOrEqual(1);
  expect(profile.mergedFrom.length).toBeLessThanOrEqual(2);
  expect(profile.mergeLog.length).toBeGreaterThanOrEqual(1);
  for (const m of profile.mergeLog) expect(['ALIAS', 'SHARED_IDENTIFIER']).toContain(m.reason);
  expect(profile.events.edges.map((e) => e.node.id).sort()).toEqual(
    [1, 2, 3, 4, 5, 6].map((n) => `sdk-b-${n}`),
  );
  expect(profile.eventStats.count).toBe(6);
});

test('re-sending the same messageIds through the SDK changes nothing', async () => {
  const counts = await t.counts();
  const before = await profileOf('sdk-user-1');
  expect(before).not.toBeNull();
  const accepted = await bronzeEvents();
  // All of it again, in one batch.
  await viaSdk((analytics) => {
    browserCalls(analytics);
    serverCalls(analytics);
  });
  expect(await profileOf('sdk-user-1')).toEqual(before);
  expect(await t.counts()).toEqual(counts);
  // Duplicates are not accepted again either.
  expect(await bronzeEvents()).toBe(accepted);
});

test('a wrong write key is refused with 401 and nothing is stored', async () => {
  const counts = await t.counts();
  const accepted = await bronzeEvents();
  const { analytics, errors } = sdk('not-the-key');
  analytics.track({ userId: 'intruder', event: 'Nope', messageId: 'sdk-x' });
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(errors).toEqual([expect.stringContaining('401')]);
  expect(await t.counts()).toEqual(counts);
  expect(await bronzeEvents()).toBe(accepted);
});

describe('HTTP tracking API', () => {
  const post = (path: string, body: unknown, key: string | null = 'test-write-key') =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key === null
          ? {}
          : { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  test('single-call endpoints take the Segment payloads', async () => {
    const res = await post('/v1/track', {
      userId: 'http-1',
      event: 'Signed Up',
      messageId: 'http-a',
      timestamp: '2026-05-01T10:00:00Z',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, accepted: 1, duplicates: 0 });
    expect(
      (await post('/v1/screen', { userId: 'http-1', name: 'Home', messageId: 'http-b' })).status,
    ).toBe(200);
    // ?sync=1 answers once the call's own event is applied (nothing left pending); the
    // earlier two calls only waited to be accepted, so the test drains the pipeline too.
    const group = await post('/v1/group?sync=1', {
      userId: 'http-1',
      groupId: 'acme',
      messageId: 'http-c',
      traits: { name: 'Acme' },
    });
    expect(group.status).toBe(200);
    expect(await group.json()).toEqual({ success: true, accepted: 1, duplicates: 0, pending: 0 });
    await t.drained();
    const profile = await profileOf('http-1');
    expect(profile.events.edges.map((e) => e.node.type).sort()).toEqual([
      'GROUP',
      'SCREEN',
      'TRACK',
    ]);
  });

  test('bad calls are refused whole, naming the field, and write nothing', async () => {
    const counts = await t.counts();
    const accepted = await bronzeEvents();
    const res = await post('/v1/batch', {
      batch: [
        { type: 'track', userId: 'ok-user', event: 'Fine', messageId: 'bad-batch-1' },
        {
          type: 'track',
          userId: 'ok-user',
          event: 'Bad',
          messageId: 'bad-batch-2',
          timestamp: 'yesterday',
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, field: 'batch[1].timestamp' });
    expect((await post('/v1/batch', { batch: [{ type: 'launch', userId: 'x' }] })).status).toBe(
      400,
    );
    expect((await post('/v1/track', { userId: { $gt: '' }, event: 'X' })).status).toBe(400);
    expect((await post('/v1/track', '{not json')).status).toBe(400);
    expect((await post('/v1/track', { userId: 'x', event: 'X' }, null)).status).toBe(401);
    expect((await post('/v1/nope', { userId: 'x' })).status).toBe(404);
    expect(await t.counts()).toEqual(counts);
    expect(await bronzeEvents()).toBe(accepted);
  });
});
