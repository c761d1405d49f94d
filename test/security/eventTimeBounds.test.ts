import { ConfigError, loadConfig } from '../../src/config/env';
import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL } from '../support/gatewayProcess';
import { withPg } from '../support/postgres';

/**
 * Event times are bounded at both ends, the same way on both entry points: the Segment
 * tracking API (`/v1/*`, where `sentAt` shifts the time, so the shifted time is what is
 * checked) and GraphQL `trackEvents`. Out of range is a client error naming the field and
 * the range, and nothing is stored (not even accepted into bronze). The bounds come from
 * MOSAIC_EVENT_MAX_AGE_DAYS (default 3650) and MOSAIC_EVENT_MAX_FUTURE_MS (default one day).
 * Accepted events are applied behind the answer by the resolution pipeline, so an accepted
 * call here waits for it (`?sync=1`, `wait: true`) before its write is checked.
 */

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();

let t: TestApp;
/** MOSAIC_EVENT_MAX_AGE_DAYS=30, MOSAIC_EVENT_MAX_FUTURE_MS=60000. */
let narrow: TestApp;
beforeAll(async () => {
  [t, narrow] = await Promise.all([
    startTestApp('eventtime'),
    startTestApp('eventtime30', {
      MOSAIC_EVENT_MAX_AGE_DAYS: '30',
      MOSAIC_EVENT_MAX_FUTURE_MS: '60000',
    }),
  ]);
}, 60_000);
afterAll(() => Promise.all([t?.close(), narrow?.close()]));

let seq = 0;
/** A track call of a user of its own (so that an accepted one visibly writes). */
const call = (extra: Record<string, unknown>) => {
  seq += 1;
  return { userId: `time-user-${seq}`, event: 'Clock Test', messageId: `time-${seq}`, ...extra };
};

/** Events accepted into bronze (applied or not) by this gateway. */
function bronzeEvents(app: TestApp): Promise<number> {
  return withPg(async (pool) => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${app.pgSchema}".bronze_events`,
    );
    return Number(rows[0]!.n);
  });
}

async function post(app: TestApp, path: string, body: unknown) {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from('test-write-key:').toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Sends it to the tracking API; it must get 400 naming `field` and the range, and store nothing. */
async function refusedByTrackingApi(
  app: TestApp,
  path: string,
  body: unknown,
  field: string,
): Promise<string> {
  const before = await app.counts();
  const bronze = await bronzeEvents(app);
  const { status, body: answer } = await post(app, path, body);
  expect({ status, field: answer.field }).toEqual({ status: 400, field });
  expect(answer.message).toMatch(/must be between \S+ and \S+/);
  expect(await app.counts()).toEqual(before);
  expect(await bronzeEvents(app)).toBe(bronze);
  return String(answer.message);
}

const TRACK = `mutation($events: [EventInput!]!) {
  trackEvents(events: $events, wait: true) { accepted pending }
}`;

/** Sends it to `trackEvents`; it must be BAD_USER_INPUT naming `field`, and store nothing. */
async function refusedByGraphQL(
  app: TestApp,
  events: Record<string, unknown>[],
  field: string,
): Promise<string> {
  const before = await app.counts();
  const bronze = await bronzeEvents(app);
  const { body } = await postGraphQL(app.url, TRACK, { events });
  const error = body.errors?.[0];
  expect(body.data?.trackEvents ?? null).toBeNull();
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(error?.message).toContain(field);
  expect(await app.counts()).toEqual(before);
  expect(await bronzeEvents(app)).toBe(bronze);
  return error!.message;
}

const asGraphQL = (c: Record<string, unknown>) => ({ type: 'TRACK', ...c });

/** Accepted and applied on both paths (each waits for its event to be applied). */
async function accepted(app: TestApp, extra: Record<string, unknown>): Promise<void> {
  let before = await app.counts();
  const viaHttp = await post(app, '/v1/track?sync=1', call(extra));
  expect(viaHttp).toEqual({
    status: 200,
    body: { success: true, accepted: 1, duplicates: 0, pending: 0 },
  });
  expect(await app.counts()).not.toEqual(before);
  before = await app.counts();
  const viaGraphQL = await postGraphQL(app.url, TRACK, { events: [asGraphQL(call(extra))] });
  expect(viaGraphQL.body).toEqual({ data: { trackEvents: { accepted: 1, pending: 0 } } });
  expect(await app.counts()).not.toEqual(before);
}

describe('the tracking API', () => {
  test('refuses a timestamp in year -10000', async () => {
    const message = await refusedByTrackingApi(
      t,
      '/v1/track',
      call({ timestamp: '-010000-01-01T00:00:00.000Z' }),
      'body.timestamp',
    );
    expect(message).toContain('-010000-01-01T00:00:00.000Z');
  });

  test('refuses the earliest time JavaScript can hold (-8.64e15 ms)', async () => {
    await refusedByTrackingApi(t, '/v1/track', call({ timestamp: -8.64e15 }), 'body.timestamp');
  });

  test('refuses an originalTimestamp out of range, naming it', async () => {
    await refusedByTrackingApi(
      t,
      '/v1/track',
      call({ originalTimestamp: '0001-01-01T00:00:00.000Z' }),
      'body.originalTimestamp',
    );
  });

  test('refuses a timestamp older than the maximum age', async () => {
    const message = await refusedByTrackingApi(
      t,
      '/v1/track',
      call({ timestamp: ago(3651 * DAY) }),
      'body.timestamp',
    );
    expect(message).toContain('3650 days');
  });

  test('refuses an absurd sentAt itself', async () => {
    // Year 200000: timestamp + (receivedAt − sentAt) would land in year −195948.
    await refusedByTrackingApi(
      t,
      '/v1/track',
      call({ timestamp: ahead(0), sentAt: '+200000-01-01T00:00:00.000Z' }),
      'body.sentAt',
    );
    await refusedByTrackingApi(
      t,
      '/v1/batch',
      { batch: [{ type: 'track', ...call({}) }], sentAt: -8.64e15 },
      'sentAt',
    );
  });

  test('checks the time after the sentAt correction, not only the time sent', async () => {
    // Each value looks fine alone; a clock 5 years fast shifts a 6-year-old event to 11.
    const message = await refusedByTrackingApi(
      t,
      '/v1/track',
      call({ timestamp: ago(6 * 365 * DAY), sentAt: ahead(5 * 365 * DAY) }),
      'body.timestamp',
    );
    expect(message).toMatch(/sentAt/);
    // The other way round: a timestamp in range shifted more than a day ahead.
    await refusedByTrackingApi(
      t,
      '/v1/track',
      call({ timestamp: ahead(0), sentAt: ago(3 * DAY) }),
      'body.timestamp',
    );
  });

  test('names the call of a batch, and refuses the whole batch', async () => {
    await refusedByTrackingApi(
      t,
      '/v1/batch',
      {
        batch: [
          { type: 'track', ...call({ timestamp: ago(DAY) }) },
          { type: 'track', ...call({ timestamp: '-010000-01-01T00:00:00.000Z' }) },
        ],
      },
      'batch[1].timestamp',
    );
  });

  test('still corrects a device clock that was reset to the epoch', async () => {
    const before = await t.counts();
    const res = await post(
      t,
      '/v1/track?sync=1',
      call({ timestamp: '1970-01-01T00:10:00.000Z', sentAt: '1970-01-01T00:10:05.000Z' }),
    );
    expect(res).toEqual({
      status: 200,
      body: { success: true, accepted: 1, duplicates: 0, pending: 0 },
    });
    expect(await t.counts()).not.toEqual(before);
  });
});

describe('GraphQL trackEvents', () => {
  test('refuses year -10000 and -8.64e15 ms (the DateTime scalar cannot hold them)', async () => {
    await refusedByGraphQL(
      t,
      [asGraphQL(call({ timestamp: '-010000-01-01T00:00:00.000Z' }))],
      'events[0].timestamp',
    );
    await refusedByGraphQL(t, [asGraphQL(call({ timestamp: -8.64e15 }))], 'events[0].timestamp');
  });

  test('refuses the earliest time the scalar holds, and one older than the maximum age', async () => {
    await refusedByGraphQL(
      t,
      [asGraphQL(call({ timestamp: '0001-01-01T00:00:00.000Z' }))],
      'events[0].timestamp',
    );
    const message = await refusedByGraphQL(
      t,
      [asGraphQL(call({})), asGraphQL(call({ timestamp: ago(3651 * DAY) }))],
      'events[1].timestamp',
    );
    expect(message).toMatch(/must be between \S+ and \S+/);
    expect(message).toContain('3650 days');
  });

  test('refuses one more than a day ahead', async () => {
    await refusedByGraphQL(
      t,
      [asGraphQL(call({ timestamp: ahead(2 * DAY) }))],
      'events[0].timestamp',
    );
  });
});

test('an event in range goes through on both paths', async () => {
  await accepted(t, { timestamp: ago(3640 * DAY) });
  await accepted(t, { timestamp: ahead(60 * 60_000) });
  await accepted(t, {});
});

describe('configured bounds', () => {
  test('MOSAIC_EVENT_MAX_AGE_DAYS and MOSAIC_EVENT_MAX_FUTURE_MS move them on both paths', async () => {
    const old = { timestamp: ago(31 * DAY) };
    const soon = { timestamp: ahead(60 * 60_000) };
    const message = await refusedByTrackingApi(narrow, '/v1/track', call(old), 'body.timestamp');
    expect(message).toContain('30 days');
    await refusedByTrackingApi(narrow, '/v1/track', call(soon), 'body.timestamp');
    await refusedByGraphQL(narrow, [asGraphQL(call(old))], 'events[0].timestamp');
    await refusedByGraphQL(narrow, [asGraphQL(call(soon))], 'events[0].timestamp');
    await accepted(narrow, { timestamp: ago(29 * DAY) });
    // The default bounds take both.
    await accepted(t, old);
    await accepted(t, soon);
  });

  test('bad values are named at start', () => {
    let problems = '';
    try {
      loadConfig({ MOSAIC_EVENT_MAX_AGE_DAYS: '0', MOSAIC_EVENT_MAX_FUTURE_MS: 'a day' });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems.join('\n');
    }
    expect(problems).toMatch(/^MOSAIC_EVENT_MAX_AGE_DAYS: .*\(got "0"\)/m);
    expect(problems).toMatch(/^MOSAIC_EVENT_MAX_FUTURE_MS: .*\(got "a day"\)/m);
  });
});
