import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL } from '../support/gatewayProcess';

const ADMIN = 'test-admin-key-0123456789';
const JWT_SECRET = 'a-shared-secret-of-at-least-32-characters';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

let t: TestApp;
const keys: Record<'reader' | 'writer' | 'dashboard' | 'admin', string> = {
  reader: '',
  writer: '',
  dashboard: '',
  admin: ADMIN,
};
let readerKeyId = '';

async function as(token: string | null, query: string, variables?: Record<string, unknown>) {
  return postGraphQL(t.url, query, variables, token ? { authorization: `Bearer ${token}` } : {});
}

async function createKey(name: string, role: string, sources?: string[]) {
  const { body } = await as(
    ADMIN,
    `mutation($n: String!, $r: Role!, $s: [SourceName!]) {
       createApiKey(name: $n, role: $r, sources: $s) { key { id role sources } secret } }`,
    { n: name, r: role, s: sources ?? null },
  );
  const created = (body.data as { createApiKey: { key: { id: string }; secret: string } })
    .createApiKey;
  return created;
}

const jwt = (
  claims: Record<string, unknown>,
  opts: { alg?: 'HS256' | 'RS256'; exp?: string | number; aud?: string } = {},
) => {
  const alg = opts.alg ?? 'HS256';
  return new SignJWT(claims)
    .setProtectedHeader({ alg })
    .setSubject('user-1')
    .setIssuer('https://idp.example')
    .setAudience(opts.aud ?? 'mosaic')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(alg === 'HS256' ? new TextEncoder().encode(JWT_SECRET) : rsa.privateKey);
};

// Generated people: whatever their emails, phones and names look like, a reader sees none.
const people = fc
  .sample(
    fc.record({
      local: fc.stringMatching(/^[a-z][a-z0-9]{2,12}$/),
      domain: fc.constantFrom('example.com', 'mail.test', 'corp.example.org'),
      phone: fc.integer({ min: 2_000_000, max: 9_999_999 }).map((n) => `+1415${n}`),
      first: fc.stringMatching(/^[A-Z][a-z]{3,9}$/),
      last: fc.stringMatching(/^[A-Z][a-z]{4,11}$/),
    }),
    { numRuns: 12, seed: 6 },
  )
  .map((p, i) => ({ ...p, email: `${p.local}${i}@${p.domain}`, crmId: `auth-${i}` }));

beforeAll(async () => {
  t = await startTestApp('auth', {
    MOSAIC_AUTH: 'on',
    MOSAIC_ADMIN_KEY: ADMIN,
    MOSAIC_JWT_SECRET: JWT_SECRET,
    MOSAIC_JWT_PUBLIC_KEY: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    MOSAIC_JWT_ISSUER: 'https://idp.example',
    MOSAIC_JWT_AUDIENCE: 'mosaic',
  });
  const reader = await createKey('frontend', 'READER');
  keys.reader = reader.secret;
  readerKeyId = reader.key.id;
  keys.writer = (await createKey('crm-sync', 'WRITER', ['CRM'])).secret;
  keys.dashboard = (await createKey('charts', 'DASHBOARD')).secret;
  for (const p of people) {
    const { body } = await as(
      keys.writer,
      `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
      {
        i: {
          crmId: p.crmId,
          firstName: p.first,
          lastName: p.last,
          emails: [p.email],
          phones: [p.phone],
          address: { line1: `12 ${p.last} Street`, city: 'Springfield', postalCode: '94107' },
          attributes: { contact: p.email, backupPhone: p.phone },
        },
      },
    );
    expect(body.errors).toBeUndefined();
  }
  const { body } = await as(
    ADMIN,
    `mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`,
    {
      e: people.slice(0, 4).map((p, i) => ({
        type: 'IDENTIFY',
        messageId: `auth-identify-${i}`,
        userId: p.email,
        traits: { email: p.email, phone: p.phone, name: `${p.first} ${p.last}` },
        timestamp: new Date().toISOString(),
      })),
    },
  );
  expect(body.errors).toBeUndefined();
  const segment = await as(
    ADMIN,
    `mutation { defineSegment(name: "Everyone", rule: {trait: "firstName", op: "exists", value: true}) { id } }`,
  );
  expect(segment.body.errors).toBeUndefined();
}, 60_000);
afterAll(() => t.close());

/** Every path personal data can take to a caller, in one query. */
const EVERYTHING = `{
  profiles(first: 50) { edges { node {
    id identifiers { kind value } traits computedTraits
    crmRecords { crmId traits raw identifiers { kind value } }
    events(first: 20) { edges { node { userId anonymousId traits properties } } }
    mergeLog { explanation linkedBy { kind value } recordId }
  } } }
}`;

function leaks(text: string): string[] {
  const found: string[] = [];
  for (const p of people) {
    for (const secret of [
      p.email,
      p.email.toLowerCase(),
      p.phone,
      p.phone.slice(2),
      p.last,
      p.first,
    ])
      if (text.includes(secret)) found.push(secret);
  }
  return found;
}

test('a reader never receives an unmasked email, phone or name, by any path', async () => {
  const { status, body } = await as(keys.reader, EVERYTHING);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  const text = JSON.stringify(body.data);
  expect(leaks(text)).toEqual([]);
  // Masked, not dropped: recognisable by someone who already knows the value.
  const p = people[0]!;
  expect(text).toContain(`${p.email[0]}***@${p.domain}`);
  expect(text).toContain(`*******${p.phone.slice(-4)}`);
  // Looked up by the email itself, it still comes back masked.
  const byEmail = await as(
    keys.reader,
    `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) { identifiers { value } traits } }`,
    { v: p.email },
  );
  expect(byEmail.body.data).not.toBeNull();
  expect(leaks(JSON.stringify(byEmail.body))).toEqual([]);
  // A dashboard sees members masked the same way.
  const dash = await as(
    keys.dashboard,
    `{ segments { id } profiles(first: 100) { edges { node { identifiers { value } traits } } } }`,
  );
  expect(leaks(JSON.stringify(dash.body))).toEqual([]);
});

test('an admin sees the same data in the clear', async () => {
  const { body } = await as(ADMIN, EVERYTHING);
  const text = JSON.stringify(body.data);
  for (const p of people) {
    expect(text).toContain(p.email);
    expect(text).toContain(p.phone);
  }
});

test('a reader subscribed to a profile gets masked payloads', async () => {
  const p = people[1]!;
  const lookup = await as(
    ADMIN,
    `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) { id } }`,
    { v: p.email },
  );
  const id = (lookup.body.data as { profileByIdentifier: { id: string } }).profileByIdentifier.id;
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${keys.reader}` },
  });
  try {
    const payload = new Promise<unknown>((resolve, reject) => {
      client.subscribe(
        {
          query: `subscription($id: ID!) { profileUpdated(id: $id) { identifiers { kind value } traits crmRecords { raw } } }`,
          variables: { id },
        },
        { next: resolve, error: reject, complete: () => undefined },
      );
    });
    await new Promise((r) => setTimeout(r, 300));
    await as(keys.writer, `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
      i: {
        crmId: p.crmId,
        firstName: p.first,
        lastName: p.last,
        emails: [p.email],
        phones: [p.phone],
        attributes: { note: `call ${p.phone}` },
      },
    });
    const text = JSON.stringify(await payload);
    expect(text).toContain('identifiers');
    expect(leaks(text)).toEqual([]);
  } finally {
    await client.dispose();
  }
});

/**
 * The role × operation matrix the README states: `true` = allowed. Checked for every role,
 * plus no credential at all (always 401).
 */
const MATRIX: { op: string; query: string; allowed: (keyof typeof keys)[] }[] = [
  {
    op: 'read profiles',
    query: '{ profiles(first: 1) { edges { node { id } } } }',
    allowed: ['reader', 'dashboard', 'admin'],
  },
  { op: 'read segments', query: '{ segments { id } }', allowed: ['reader', 'dashboard', 'admin'] },
  {
    op: 'upsert CRM contact',
    query: 'mutation { upsertCrmContact(input: {crmId: "m-1", firstName: "Matrix"}) { id } }',
    allowed: ['writer', 'admin'],
  },
  {
    op: 'record orders',
    query: 'mutation { recordOrders(orders: []) { written } }',
    allowed: ['admin'],
  },
  {
    op: 'track events',
    query: 'mutation { trackEvents(events: []) { accepted } }',
    allowed: ['admin'],
  },
  {
    op: 'define segment',
    query:
      'mutation { defineSegment(name: "M", rule: {trait: "x", op: "exists", value: true}) { id } }',
    allowed: ['dashboard', 'admin'],
  },
  { op: 'segment webhooks', query: '{ segments { webhooks { url } } }', allowed: ['admin'] },
  {
    op: 'merge profiles',
    query: 'mutation { mergeProfiles(profileId: "01A", otherProfileId: "01B") { id } }',
    allowed: ['admin'],
  },
  {
    op: 'review queue',
    query: '{ reviewQueue(first: 1) { edges { cursor } } }',
    allowed: ['admin'],
  },
  { op: 'list API keys', query: '{ apiKeys { id } }', allowed: ['admin'] },
  { op: 'audit log', query: '{ auditLog { edges { cursor } } }', allowed: ['admin'] },
  {
    op: 'create API key',
    query: 'mutation { createApiKey(name: "m", role: READER) { secret } }',
    allowed: ['admin'],
  },
  {
    op: 'whoami',
    query: '{ whoami { role } }',
    allowed: ['reader', 'writer', 'dashboard', 'admin'],
  },
];

test.each(MATRIX)('$op: allowed for exactly $allowed', async ({ query, allowed }) => {
  for (const role of ['reader', 'writer', 'dashboard', 'admin'] as const) {
    const { status, body } = await as(keys[role], query);
    expect(status).toBe(200);
    const forbidden = (body.errors ?? []).some((e) => e.extensions?.code === 'FORBIDDEN');
    // The role is in the expectation so that a failure names it.
    expect({ role, forbidden }).toEqual({ role, forbidden: !allowed.includes(role) });
  }
  const anonymous = await as(null, query);
  expect(anonymous.status).toBe(401);
  expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});

test('a writer writes only for the sources its key names', async () => {
  const { body } = await as(keys.writer, 'mutation { recordOrders(orders: []) { written } }');
  expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(body.errors?.[0]?.message).toMatch(/orders source.*crm/);
});

test('JWTs: HS256 and RS256 accepted from the issuer for the audience; anything else refused', async () => {
  const hs = await jwt({ mosaic_role: 'reader' });
  expect((await as(hs, '{ whoami { role subject } }')).body.data).toEqual({
    whoami: { role: 'READER', subject: 'jwt:user-1' },
  });
  const rs = await jwt({ mosaic_role: 'dashboard' }, { alg: 'RS256' });
  expect((await as(rs, '{ whoami { role } }')).body.data).toEqual({
    whoami: { role: 'DASHBOARD' },
  });
  const refused = async (token: string, why: RegExp) => {
    const { status, body } = await as(token, '{ whoami { role } }');
    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toMatch(why);
  };
  await refused(await jwt({ mosaic_role: 'reader' }, { aud: 'someone-else' }), /aud/);
  await refused(
    await jwt({ mosaic_role: 'reader' }, { exp: Math.floor(Date.now() / 1000) - 60 }),
    /expired/,
  );
  await refused(await jwt({ mosaic_role: 'superuser' }), /mosaic_role/);
  await refused(hs.slice(0, -4) + 'AAAA', /signature/);
  await refused('mk_01ARZ3NDEKTSV4RRFFQ69G5FAV_' + 'A'.repeat(43), /Invalid or revoked API key/);
});

test('revoking a key fails its next request and closes its open subscriptions', async () => {
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    socket.on('open', () =>
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload: { authorization: `Bearer ${keys.reader}` },
        }),
      ),
    );
    socket.on('message', (m: Buffer) => {
      if ((JSON.parse(m.toString('utf8')) as { type: string }).type === 'connection_ack')
        void as(ADMIN, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: readerKeyId });
    });
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  expect(await closed).toEqual({ code: 4403, reason: 'Credential revoked' });
  const after = await as(keys.reader, '{ whoami { role } }');
  expect(after.status).toBe(401);
});

test('a subscription on a JWT is closed when the token expires', async () => {
  const token = await jwt({ mosaic_role: 'reader' }, { exp: Math.floor(Date.now() / 1000) + 2 });
  const started = Date.now();
  const closed = await new Promise<{ code: number; reason: string }>((resolve) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    socket.on('open', () =>
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
      ),
    );
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  expect(closed).toEqual({ code: 4401, reason: 'Credential expired' });
  expect(Date.now() - started).toBeGreaterThan(500);
});

test('a connection with a bad credential is refused at once', async () => {
  const code = await new Promise<number>((resolve) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    socket.on('open', () =>
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer not-a-key' } }),
      ),
    );
    socket.on('close', (c) => resolve(c));
  });
  expect(code).toBe(4403);
});

test('sensitive operations are audited with the credential that asked, and no personal data', async () => {
  const [a, b] = people;
  const idOf = async (email: string) =>
    (
      (
        await as(
          ADMIN,
          `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) { id } }`,
          { v: email },
        )
      ).body.data as { profileByIdentifier: { id: string } }
    ).profileByIdentifier.id;
  const [ida, idb] = [await idOf(a!.email), await idOf(b!.email)];
  const operator = await jwt({ mosaic_role: 'admin' });
  const merged = await as(
    operator,
    `mutation($a: ID!, $b: ID!) { mergeProfiles(profileId: $a, otherProfileId: $b) { id } }`,
    { a: ida, b: idb },
  );
  expect(merged.body.errors).toBeUndefined();
  const failed = await as(
    operator,
    `mutation { mergeProfiles(profileId: "01NOSUCHPROFILE0000000000A", otherProfileId: "01NOSUCHPROFILE0000000000B") { id } }`,
  );
  expect(failed.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

  type Entry = {
    actor: string;
    action: string;
    targets: string[];
    status: string;
    details: Record<string, unknown>;
  };
  const { body } = await as(
    ADMIN,
    `{ auditLog(first: 100) { edges { node { actor action targets status details } } } }`,
  );
  const entries = (body.data as { auditLog: { edges: { node: Entry }[] } }).auditLog.edges.map(
    (e) => e.node,
  );
  expect(
    entries.filter(
      (e) => e.action === 'API_KEY_CREATED' && e.actor === 'admin-key' && e.status === 'DONE',
    ).length,
  ).toBeGreaterThanOrEqual(3);
  expect(entries).toContainEqual(
    expect.objectContaining({
      actor: 'jwt:user-1',
      action: 'PROFILES_MERGED',
      targets: [ida, idb],
      status: 'DONE',
    }),
  );
  expect(entries).toContainEqual(
    expect.objectContaining({
      actor: 'jwt:user-1',
      action: 'PROFILES_MERGED',
      status: 'FAILED',
      details: { error: 'NOT_FOUND' },
    }),
  );
  expect(leaks(JSON.stringify(entries))).toEqual([]);
  // Filtered by action, newest first.
  const onlyMerges = await as(
    ADMIN,
    `{ auditLog(action: PROFILES_MERGED) { edges { node { status } } } }`,
  );
  expect(
    (onlyMerges.body.data as { auditLog: { edges: { node: { status: string } }[] } }).auditLog.edges
      .map((e) => e.node.status)
      .slice(0, 2),
  ).toEqual(['FAILED', 'DONE']);
});
