import { Analytics } from '@segment/analytics-node';
import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL } from '../support/gatewayProcess';

/**
 * The official Segment Node SDK, pointed at Mosaic, works unchanged: its identify, track,
 * page and alias calls land in one profile, and re-sending the same messageIds changes
 * nothing.
 */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp('segmentsdk');
});
afterAll(() => t.close());

function sdk(writeKey = 'test-write-key') {
  const errors: unknown[] = [];
  // One batch per journey, so the server sees the calls in the order they were made.
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

async function profileOf(userId: string): Promise<Profile> {
  const { body } = await postGraphQL<{ profileByIdentifier: Profile }>(t.url, PROFILE, {
    v: userId,
  });
  expect(body.errors).toBeUndefined();
  return body.data!.profileByIdentifier;
}

function sendJourney(analytics: Analytics): void {
  // Browsing anonymously on a laptop, then on a phone; signing up; linking the phone.
  analytics.page({
    anonymousId: 'laptop-1',
    name: 'Pricing',
    messageId: 'sdk-1',
    properties: { path: '/pricing' },
  });
  analytics.track({
    anonymousId: 'laptop-1',
    event: 'Product Viewed',
    messageId: 'sdk-2',
    properties: { sku: 'A1' },
  });
  analytics.track({ anonymousId: 'phone-1', event: 'App Opened', messageId: 'sdk-3' });
  analytics.identify({
    anonymousId: 'laptop-1',
    userId: 'sdk-user-1',
    messageId: 'sdk-4',
    traits: { email: 'SDK.User@Example.com', plan: 'pro' },
  });
  analytics.alias({ previousId: 'phone-1', userId: 'sdk-user-1', messageId: 'sdk-5' });
  analytics.track({
    userId: 'sdk-user-1',
    event: 'Order Completed',
    messageId: 'sdk-6',
    properties: { total: 30 },
  });
}

test('identify, track, page and alias sent by @segment/analytics-node end in one profile', async () => {
  const { analytics, errors } = sdk();
  sendJourney(analytics);
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(errors).toEqual([]);

  const profile = await profileOf('sdk-user-1');
  expect(profile.identifiers).toEqual(
    expect.arrayContaining([
      { kind: 'USER_ID', value: 'sdk-user-1' },
      { kind: 'EMAIL', value: 'sdk.user@example.com' },
      { kind: 'ANONYMOUS_ID', value: 'laptop-1' },
      { kind: 'ANONYMOUS_ID', value: 'phone-1' },
    ]),
  );
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

test('re-sending the same messageIds through the SDK changes nothing', async () => {
  const before = await profileOf('sdk-user-1');
  const counts = await t.counts();
  const { analytics, errors } = sdk();
  sendJourney(analytics);
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(errors).toEqual([]);
  expect(await profileOf('sdk-user-1')).toEqual(before);
  expect(await t.counts()).toEqual(counts);
});

test('a wrong write key is refused with 401 and nothing is stored', async () => {
  const counts = await t.counts();
  const { analytics, errors } = sdk('not-the-key');
  analytics.track({ userId: 'intruder', event: 'Nope', messageId: 'sdk-x' });
  await analytics.closeAndFlush({ timeout: 10_000 });
  expect(errors).toEqual([expect.stringContaining('401')]);
  expect(await t.counts()).toEqual(counts);
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
    expect(await res.json()).toEqual({ success: true });
    expect(
      (await post('/v1/screen', { userId: 'http-1', name: 'Home', messageId: 'http-b' })).status,
    ).toBe(200);
    expect(
      (
        await post('/v1/group', {
          userId: 'http-1',
          groupId: 'acme',
          messageId: 'http-c',
          traits: { name: 'Acme' },
        })
      ).status,
    ).toBe(200);
    const profile = await profileOf('http-1');
    expect(profile.events.edges.map((e) => e.node.type).sort()).toEqual([
      'GROUP',
      'SCREEN',
      'TRACK',
    ]);
  });

  test('bad calls are refused whole, naming the field, and write nothing', async () => {
    const counts = await t.counts();
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
  });
});
