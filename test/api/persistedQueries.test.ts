import { createHash, randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createApp, type App } from '../../src/app';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface GraphQLAnswer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

/** POSTs a GraphQL request body as is (query, extensions, variables as given). */
async function post(baseUrl: string, request: Record<string, unknown>): Promise<GraphQLAnswer> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  return { status: res.status, body: (await res.json()) as GraphQLAnswer['body'] };
}

/** GETs a GraphQL request with its fields as search parameters (objects JSON-encoded). */
async function get(baseUrl: string, request: Record<string, unknown>): Promise<GraphQLAnswer> {
  const params = new URLSearchParams(
    Object.entries(request).map(([k, v]): [string, string] => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
  const res = await fetch(`${baseUrl}/graphql?${params.toString()}`);
  return { status: res.status, body: (await res.json()) as GraphQLAnswer['body'] };
}

const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const codeOf = (answer: GraphQLAnswer) => answer.body.errors?.[0]?.extensions?.code;

/** The first error (or completion) of a subscription, as JSON; fails after 5 s. */
function firstOutcome(url: string, query: string): Promise<string> {
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  let timer: NodeJS.Timeout | undefined;
  return new Promise<string>((resolve) => {
    client.subscribe(
      { query },
      {
        next: (msg) => resolve(`next: ${JSON.stringify(msg)}`),
        error: (err) => resolve(`error: ${JSON.stringify(err)}`),
        complete: () => resolve('complete'),
      },
    );
    timer = setTimeout(() => resolve('no answer within 5 s'), 5_000);
  }).finally(() => {
    clearTimeout(timer);
    return client.dispose();
  });
}

const WHOAMI = '{ whoami { role } }';
// 8 deep; the gateways below allow 7.
const DEEP =
  '{ segments { members { edges { node { mergeLog { match { fields { field } } } } } } } }';

describe('automatic persisted queries (the default)', () => {
  const env = { MOSAIC_MAX_QUERY_DEPTH: '7' };
  let t: TestApp;
  let replica: App;
  let replicaUrl: string;
  let redis: Redis;
  const apqKey = (hash: string) => `mosaic:${t.database}:{apq:${hash}}`;
  beforeAll(async () => {
    t = await startTestApp('apq', env);
    // A second gateway over the same database and Redis: another replica.
    replica = await createApp(testConfig({ ...env, POSTGRES_SCHEMA: t.pgSchema }), silentLogger, {
      database: t.database,
    });
    replicaUrl = `http://127.0.0.1:${await replica.gateway.listen(0, '127.0.0.1')}`;
    redis = new Redis(testConfig().redis.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis.disconnect();
    await replica.close();
    await t.close();
  });

  test('a query registered through one gateway is found by hash alone on another, over POST and GET', async () => {
    const hash = sha256(WHOAMI);
    const before = await post(replicaUrl, { extensions: persisted(hash) });
    expect(codeOf(before)).toBe('PERSISTED_QUERY_NOT_FOUND');

    const registered = await post(t.url, { query: WHOAMI, extensions: persisted(hash) });
    expect(registered.status).toBe(200);
    expect(registered.body.data).toEqual({ whoami: { role: 'ADMIN' } });
    // Registration is written after the answer; wait for it to land in Redis.
    for (let i = 0; i < 50 && (await redis.exists(apqKey(hash))) === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await redis.get(apqKey(hash))).toBe(WHOAMI);
    const ttl = await redis.ttl(apqKey(hash));
    expect(ttl).toBeGreaterThan(86_000);
    expect(ttl).toBeLessThanOrEqual(86_400);

    const byPost = await post(replicaUrl, { extensions: persisted(hash) });
    expect(byPost.status).toBe(200);
    expect(byPost.body).toEqual({ data: { whoami: { role: 'ADMIN' } } });
    const byGet = await get(replicaUrl, { extensions: persisted(hash) });
    expect(byGet.status).toBe(200);
    expect(byGet.body).toEqual({ data: { whoami: { role: 'ADMIN' } } });
  });

  test('a hash nobody registered is not found, and a hash that does not match its query is refused', async () => {
    const unknown = await post(t.url, { extensions: persisted(sha256('{ nothing }')) });
    expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(unknown.body.data).toBeUndefined();

    // Registering another query under a hash would hand it to every client of that hash.
    const claimed = sha256('{ whoami { subject } }');
    const mismatch = await post(t.url, { query: WHOAMI, extensions: persisted(claimed) });
    expect(mismatch.status).toBe(400);
    expect(codeOf(mismatch)).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    expect(mismatch.body.errors?.[0]?.message).toContain(sha256(WHOAMI));
    expect(mismatch.body.data).toBeUndefined();
    expect(await redis.exists(apqKey(claimed))).toBe(0);

    const badVersion = await post(t.url, {
      query: WHOAMI,
      extensions: { persistedQuery: { version: 2, sha256Hash: sha256(WHOAMI) } },
    });
    expect(badVersion.status).toBe(400);
    expect(codeOf(badVersion)).toBe('BAD_USER_INPUT');
  });

  test('depth limits apply to persisted queries: an over-deep one is neither registered nor run', async () => {
    const hash = sha256(DEEP);
    const register = await post(t.url, { query: DEEP, extensions: persisted(hash) });
    expect(register.status).toBe(400);
    expect(codeOf(register)).toBe('QUERY_TOO_DEEP');
    await new Promise((r) => setTimeout(r, 200));
    expect(await redis.exists(apqKey(hash))).toBe(0);

    // Even a query already in the shared cache (say, registered by a replica with looser
    // limits) is validated by the gateway that runs it.
    await redis.set(apqKey(hash), DEEP, 'EX', 600);
    const byHash = await post(replicaUrl, { extensions: persisted(hash) });
    expect(byHash.status).toBe(400);
    expect(codeOf(byHash)).toBe('QUERY_TOO_DEEP');
    expect(byHash.body.data).toBeUndefined();
  });
});

describe('MOSAIC_PERSISTED_QUERIES=off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('apqoff', { MOSAIC_PERSISTED_QUERIES: 'off' });
  });
  afterAll(() => t.close());

  test('a hash-only request gets PERSISTED_QUERY_NOT_SUPPORTED; full queries still run', async () => {
    const hashOnly = await post(t.url, { extensions: persisted(sha256(WHOAMI)) });
    expect(codeOf(hashOnly)).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    expect(hashOnly.body.data).toBeUndefined();
    const full = await post(t.url, { query: WHOAMI });
    expect(full.body).toEqual({ data: { whoami: { role: 'ADMIN' } } });
  });
});

describe('MOSAIC_PERSISTED_QUERIES=safelist', () => {
  const BY_CRM_ID =
    'query ByCrmId($crmId: String!) { profileByIdentifier(kind: CRM_ID, value: $crmId) { id traits } }';
  const UPSERT =
    'mutation Upsert($input: CrmContactInput!) { upsertCrmContact(input: $input) { id } }';
  const UPDATES = 'subscription Updates($id: ID!) { profileUpdated(id: $id) { id traits } }';
  const manifestPath = join(tmpdir(), `mosaic-manifest-${randomUUID()}.json`);
  let t: TestApp;
  beforeAll(async () => {
    const operations = [
      { name: 'Whoami', type: 'query', body: WHOAMI },
      { name: 'ByCrmId', type: 'query', body: BY_CRM_ID },
      { name: 'Upsert', type: 'mutation', body: UPSERT },
      { name: 'Updates', type: 'subscription', body: UPDATES },
    ].map((op) => ({ id: sha256(op.body), ...op }));
    await writeFile(
      manifestPath,
      JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations }),
    );
    t = await startTestApp('safelist', {
      MOSAIC_PERSISTED_QUERIES: 'safelist',
      MOSAIC_PERSISTED_QUERY_MANIFEST: manifestPath,
    });
  });
  afterAll(async () => {
    await t.close();
    await rm(manifestPath, { force: true });
  });

  test('a listed operation runs when sent by id alone, over POST and GET', async () => {
    const byPost = await post(t.url, { extensions: persisted(sha256(WHOAMI)) });
    expect(byPost.body).toEqual({ data: { whoami: { role: 'ADMIN' } } });
    const byGet = await get(t.url, {
      extensions: persisted(sha256(BY_CRM_ID)),
      variables: { crmId: 'nobody' },
    });
    expect(byGet.status).toBe(200);
    expect(byGet.body).toEqual({ data: { profileByIdentifier: null } });
  });

  test('a listed operation runs when sent as its full text', async () => {
    const written = await post(t.url, {
      query: UPSERT,
      variables: { input: { crmId: 'pq-listed', firstName: 'Listed' } },
    });
    expect(written.body.errors).toBeUndefined();
    const read = await post(t.url, { query: BY_CRM_ID, variables: { crmId: 'pq-listed' } });
    expect(read.body.data).toMatchObject({
      profileByIdentifier: { traits: { firstName: 'Listed' } },
    });
  });

  test('anything unlisted is refused with 400 PERSISTED_QUERY_NOT_ALLOWED and nothing runs', async () => {
    const before = await t.counts();
    const unlisted = await post(t.url, {
      query:
        'mutation { upsertCrmContact(input: { crmId: "pq-unlisted", firstName: "Sneaky" }) { id } }',
    });
    expect(unlisted.status).toBe(400);
    expect(codeOf(unlisted)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect(unlisted.body.data).toBeUndefined();
    // The listed mutation's text with one change is another operation.
    const edited = await post(t.url, {
      query: UPSERT.replace('{ id }', '{ id traits }'),
      variables: { input: { crmId: 'pq-unlisted', firstName: 'Sneaky' } },
    });
    expect(codeOf(edited)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    // An unlisted hash, and an unlisted query sent under a listed hash.
    const unknownId = await get(t.url, { extensions: persisted(sha256('{ apiKeys { id } }')) });
    expect(unknownId.status).toBe(400);
    expect(codeOf(unknownId)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    const underListedHash = await post(t.url, {
      query: 'mutation { upsertCrmContact(input: { crmId: "pq-unlisted" }) { id } }',
      extensions: persisted(sha256(UPSERT)),
    });
    expect(underListedHash.status).toBe(400);
    expect(codeOf(underListedHash)).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    // Introspection and empty requests are no way around it either.
    const introspection = await post(t.url, { query: '{ __schema { types { name } } }' });
    expect(codeOf(introspection)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect(codeOf(await post(t.url, {}))).toBe('PERSISTED_QUERY_NOT_ALLOWED');

    expect(await t.counts()).toEqual(before);
    const read = await post(t.url, { query: BY_CRM_ID, variables: { crmId: 'pq-unlisted' } });
    expect(read.body).toEqual({ data: { profileByIdentifier: null } });
  });

  test('a subscription is checked against the list too: unlisted text is refused, listed text runs', async () => {
    const refused = await firstOutcome(
      t.url,
      'subscription { profileUpdated(id: "x") { id identifiers { kind value } } }',
    );
    expect(refused).toMatch(/^error: .*PERSISTED_QUERY_NOT_ALLOWED/);

    const created = await post(t.url, {
      query: UPSERT,
      variables: { input: { crmId: 'pq-sub', firstName: 'Before' } },
    });
    const id = (created.body.data as { upsertCrmContact: { id: string } }).upsertCrmContact.id;
    const client = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const update = new Promise<string>((resolve) => {
        client.subscribe(
          { query: UPDATES, variables: { id } },
          {
            next: (msg) => resolve(JSON.stringify(msg.data)),
            error: (err) => resolve(`error: ${JSON.stringify(err)}`),
            complete: () => resolve('complete'),
          },
        );
        timer = setTimeout(() => resolve('no update within 10 s'), 10_000);
      });
      await new Promise((r) => setTimeout(r, 300)); // let the subscription reach Redis
      await post(t.url, {
        query: UPSERT,
        variables: { input: { crmId: 'pq-sub', firstName: 'After' } },
      });
      expect(JSON.parse(await update)).toMatchObject({
        profileUpdated: { id, traits: { firstName: 'After' } },
      });
    } finally {
      clearTimeout(timer);
      await client.dispose();
    }
  });
});
