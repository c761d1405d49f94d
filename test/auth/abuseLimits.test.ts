import { getIntrospectionQuery } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createApp, type App } from '../../src/app';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { postGraphQL } from '../support/gatewayProcess';

const ADMIN = 'limits-admin-key-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

describe('query depth and cost', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('limits', {
      MOSAIC_AUTH: 'on',
      MOSAIC_ADMIN_KEY: ADMIN,
      MOSAIC_MAX_QUERY_DEPTH: '7',
      MOSAIC_MAX_QUERY_COST: '5000',
    });
  });
  afterAll(() => t.close());

  test('a query nested past the depth limit is refused before it runs', async () => {
    const deep =
      '{ segments { members { edges { node { mergeLog { match { fields { field } } } } } } } }';
    const { status, body } = await postGraphQL(t.url, deep, undefined, auth);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(body.errors?.[0]?.message).toMatch(/8 deep; the limit is 7/);
    expect(body.data).toBeUndefined();
  });

  test('depth through fragments counts the same (no way around it by naming parts)', async () => {
    const viaFragments = `
      query Sneaky { segments { members { ...P } } }
      fragment P on ProfileConnection { edges { node { ...Q } } }
      fragment Q on Profile { mergeLog { match { fields { field } } } }`;
    const { body } = await postGraphQL(t.url, viaFragments, undefined, auth);
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(body.errors?.[0]?.message).toMatch(/^Sneaky nests/);
  });

  test('page sizes multiply: 100 profiles × 100 orders is refused, small pages pass', async () => {
    const costly =
      '{ profiles(first: 100) { edges { node { orders(first: 100) { edges { node { orderId total } } } } } } }';
    const refused = await postGraphQL(t.url, costly, undefined, auth);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(refused.body.errors?.[0]?.message).toMatch(/about \d+ fields; the limit is 5000/);
    // A variable page size is costed at the largest page it could be.
    const viaVariable = await postGraphQL(
      t.url,
      'query($n: Int) { profiles(first: $n) { edges { node { orders(first: $n) { edges { node { orderId } } } } } } }',
      { n: 2 },
      auth,
    );
    expect(viaVariable.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    const fine = await postGraphQL(
      t.url,
      '{ profiles(first: 10) { edges { node { orders(first: 10) { edges { node { orderId } } } } } } }',
      undefined,
      auth,
    );
    expect(fine.status).toBe(200);
    expect(fine.body.errors).toBeUndefined();
  });

  test('subscriptions get the same limits', async () => {
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: auth,
    });
    try {
      let timer: NodeJS.Timeout | undefined;
      const error = await new Promise<unknown>((resolve) => {
        client.subscribe(
          {
            query:
              'subscription { profileUpdated(id: "x") { segments { members { edges { node { mergeLog { match { fields { field } } } } } } } } }',
          },
          { next: () => undefined, error: resolve, complete: () => resolve(null) },
        );
        timer = setTimeout(() => resolve('no answer within 5 s'), 5_000);
      });
      clearTimeout(timer);
      expect(JSON.stringify(error)).toMatch(/9 deep; the limit is 7.*QUERY_TOO_DEEP/);
    } finally {
      await client.dispose();
    }
  });
});

describe('rate limits', () => {
  // Two gateways over the same database and Redis: two replicas of one deployment.
  const env = {
    MOSAIC_AUTH: 'on',
    MOSAIC_ADMIN_KEY: ADMIN,
    MOSAIC_RATE_LIMIT_PER_MINUTE: '6',
    MOSAIC_INTROSPECTION: 'off',
  };
  let t: TestApp;
  let replica: App;
  let replicaUrl: string;
  beforeAll(async () => {
    t = await startTestApp('ratelimit', env);
    replica = await createApp(testConfig({ ...env, POSTGRES_SCHEMA: t.pgSchema }), silentLogger, {
      database: t.database,
    });
    replicaUrl = `http://127.0.0.1:${await replica.gateway.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await replica.close();
    await t.close();
  });

  test('a credential over its rate gets 429 RATE_LIMITED on every replica, with Retry-After', async () => {
    // Counters are per minute (fixed windows): start with the window far from its end, so
    // that the requests below all fall in the same one.
    const leftInWindow = 60_000 - (Date.now() % 60_000);
    if (leftInWindow < 15_000) await new Promise((r) => setTimeout(r, leftInWindow + 250));
    const ask = (url: string) => postGraphQL(url, '{ whoami { role } }', undefined, auth);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask(t.url)).status);
    for (let i = 0; i < 3; i++) statuses.push((await ask(replicaUrl)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const res = await fetch(`${replicaUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query: '{ whoami { role } }' }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
    // The other replica agrees.
    expect((await ask(t.url)).status).toBe(429);
  });

  test('an unknown key is refused before anything else, introspection included', async () => {
    const { body } = await postGraphQL(replicaUrl, '{ __schema { types { name } } }', undefined, {
      authorization: 'Bearer mk_01ARZ3NDEKTSV4RRFFQ69G5FAV_' + 'A'.repeat(43),
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('introspection', () => {
  // Default depth and cost limits; introspection off on one gateway, on on the other.
  let off: TestApp;
  let on: TestApp;
  beforeAll(async () => {
    [off, on] = await Promise.all([
      startTestApp('introoff', {
        MOSAIC_AUTH: 'on',
        MOSAIC_ADMIN_KEY: ADMIN,
        MOSAIC_INTROSPECTION: 'off',
      }),
      startTestApp('introon', {
        MOSAIC_AUTH: 'on',
        MOSAIC_ADMIN_KEY: ADMIN,
        MOSAIC_INTROSPECTION: 'on',
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([off?.close(), on?.close()]);
  });

  test('switched off (as by default in production), it is refused even to an admin', async () => {
    for (const query of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Profile") { fields { name } } }',
      getIntrospectionQuery(),
    ]) {
      const { status, body } = await postGraphQL(off.url, query, undefined, auth);
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.errors?.[0]?.message).toMatch(
        /introspection (is not allowed|has been disabled)/i,
      );
    }
    // Ordinary queries are unaffected (`__typename` is not introspection).
    const fine = await postGraphQL(off.url, '{ __typename whoami { role } }', undefined, auth);
    expect(fine.status).toBe(200);
    expect(fine.body.errors).toBeUndefined();
  });

  test('switched on, the standard introspection query works within the default limits', async () => {
    const { status, body } = await postGraphQL<{ __schema: { types: { name: string }[] } }>(
      on.url,
      getIntrospectionQuery(),
      undefined,
      auth,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.__schema.types.map((t) => t.name)).toContain('Profile');
  });

  test('aliases of introspection add up to the cost limit like any other fields', async () => {
    const selection = '__schema { types { name fields { name type { name } } } }';
    const aliases = Array.from({ length: 300 }, (_, i) => `a${i}: ${selection}`).join(' ');
    const { status, body } = await postGraphQL(on.url, `{ ${aliases} }`, undefined, auth);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(body.errors?.[0]?.message).toMatch(/about \d+ fields; the limit is 50000/);
  });
});
