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
  // The CRM id holds the last name, as client-chosen ids may: it must be masked too.
  .map((p, i) => ({ ...p, email: `${p.local}${i}@${p.domain}`, crmId: `${p.last}-${i}` }));

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
          // A number under a personal key, and a name nested under one.
          attributes: {
            contact: p.email,
            backupPhone: p.phone,
            mobile: Number(p.phone.slice(1)),
            legalName: { first: p.first, last: p.last },
          },
        },
      },
    );
    expect(body.errors).toBeUndefined();
  }
  const { body } = await as(
    ADMIN,
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted } }`,
    {
      e: people.slice(0, 4).map((p, i) => ({
        type: 'IDENTIFY',
        messageId: `auth-identify-${i}`,
        userId: p.email,
        anonymousId: `device-${p.last}`,
        traits: { email: p.email, phone: p.phone, name: `${p.first} ${p.last}` },
        timestamp: new Date().toISOString(),
      })),
    },
  );
  expect(body.errors).toBeUndefined();
  // Two shared-identifier merges, so that the merge log has something to mask: a second
  // CRM contact that then names person 5's email, and an anonymous visitor who identifies
  // with person 6's email.
  const [p5, p6] = [people[5]!, people[6]!];
  for (const emails of [[], [p5.email]]) {
    const second = await as(
      keys.writer,
      `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
      { i: { crmId: `${p5.last}-second`, phones: ['+14155550100'], emails } },
    );
    expect(second.body.errors).toBeUndefined();
  }
  const visitor = await as(
    ADMIN,
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted } }`,
    {
      e: [
        { type: 'TRACK', event: 'Viewed', anonymousId: `visitor-${p6.last}`, messageId: 'auth-v1' },
        {
          type: 'IDENTIFY',
          anonymousId: `visitor-${p6.last}`,
          traits: { email: p6.email },
          messageId: 'auth-v2',
        },
      ],
    },
  );
  expect(visitor.body.errors).toBeUndefined();
  // Orders whose customer id is an email.
  const orders = await as(
    ADMIN,
    `mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`,
    {
      o: people.slice(0, 4).map((p, i) => ({
        orderId: `auth-order-${i}`,
        customerId: p.email,
        email: p.email,
        placedAt: new Date().toISOString(),
        currency: 'USD',
        total: 10,
      })),
    },
  );
  expect(orders.body.errors).toBeUndefined();
  const segment = await as(
    ADMIN,
    `mutation { defineSegment(name: "Everyone", rule: {trait: "firstName", op: "exists", value: true}) { id } }`,
  );
  expect(segment.body.errors).toBeUndefined();
  // A segment an admin defined on personal values: readers read its rule.
  const vip = await as(
    ADMIN,
    `mutation($r: JSON!) { defineSegment(name: "VIP", rule: $r) { id } }`,
    {
      r: {
        or: [
          { trait: 'emails', op: 'in', value: [people[0]!.email] },
          { trait: 'lastName', op: 'eq', value: people[1]!.last },
        ],
      },
    },
  );
  expect(vip.body.errors).toBeUndefined();
}, 60_000);
afterAll(() => t.close());

/** Every path personal data can take to a caller, in one query. */
const EVERYTHING = `{
  profiles(first: 50) { edges { node {
    id identifiers { kind value } traits computedTraits
    crmRecords { crmId traits raw identifiers { kind value } }
    orders(first: 10) { edges { node { orderId customerId } } }
    events(first: 20) { edges { node { userId anonymousId traits properties } } }
    mergeLog { reason explanation note linkedBy { kind value } recordId recordIds
      match { recordId otherRecordId } }
  } } }
  segments { id rule }
}`;
type Everything = {
  profiles: {
    edges: {
      node: {
        orders: { edges: unknown[] };
        events: { edges: { node: { anonymousId: string | null } }[] };
        mergeLog: { reason: string; linkedBy: { value: string } | null }[];
      };
    }[];
  };
  segments: { id: string; rule: unknown }[];
};

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

/** The fixture reached every path: a leak check over an empty answer would prove nothing. */
function expectEveryPath(data: Everything | undefined): void {
  const nodes = data!.profiles.edges.map((e) => e.node);
  expect(nodes.length).toBeGreaterThanOrEqual(people.length - 2);
  expect(nodes.flatMap((n) => n.orders.edges).length).toBe(4);
  expect(
    nodes.flatMap((n) => n.events.edges).filter((e) => e.node.anonymousId !== null).length,
  ).toBeGreaterThanOrEqual(5);
  const merges = nodes.flatMap((n) => n.mergeLog);
  expect(
    merges.filter((m) => m.reason === 'SHARED_IDENTIFIER' && m.linkedBy).length,
  ).toBeGreaterThanOrEqual(2);
  expect(data!.segments.map((s) => s.id)).toEqual(expect.arrayContaining(['everyone', 'vip']));
}

test('a reader never receives an unmasked email, phone or name, by any path', async () => {
  const { status, body } = await as(keys.reader, EVERYTHING);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expectEveryPath(body.data as Everything);
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
  expect(byEmail.body.errors).toBeUndefined();
  const found = (byEmail.body.data as { profileByIdentifier: { identifiers: unknown[] } | null })
    .profileByIdentifier;
  expect(found?.identifiers.length).toBeGreaterThan(0);
  expect(leaks(JSON.stringify(byEmail.body))).toEqual([]);
  // A dashboard sees everything masked the same way (and sees it: not an error).
  const dash = await as(keys.dashboard, EVERYTHING);
  expect(dash.body.errors).toBeUndefined();
  expectEveryPath(dash.body.data as Everything);
  expect(leaks(JSON.stringify(dash.body))).toEqual([]);
});

test('an admin sees the same data in the clear', async () => {
  const { body } = await as(ADMIN, EVERYTHING);
  expect(body.errors).toBeUndefined();
  expectEveryPath(body.data as Everything);
  const text = JSON.stringify(body.data);
  for (const p of people) {
    expect(text).toContain(p.email);
    expect(text).toContain(p.phone);
    expect(text).toContain(p.crmId);
  }
  expect(text).toContain(`"customerId":"${people[0]!.email}"`);
  expect(text).toContain(`"anonymousId":"device-${people[0]!.last}"`);
  expect(text).toContain(`"mobile":${people[0]!.phone.slice(1)}`);
  expect(text).toContain(`"legalName":{"first":"${people[0]!.first}"`);
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
  {
    op: 'define a segment comparing a personal trait',
    query:
      'mutation { defineSegment(name: "M2", rule: {trait: "emails", op: "gt", value: "a"}) { id } }',
    allowed: ['admin'],
  },
  {
    op: 'segment members and recent changes',
    query: '{ segments { members(first: 1) { edges { cursor } } recentChanges(first: 1) { at } } }',
    allowed: ['reader', 'dashboard', 'admin'],
  },
  {
    // A writer gets the profile it wrote, but not the segments leading to other profiles.
    op: 'segments of the profile a write returns',
    query:
      'mutation { upsertCrmContact(input: {crmId: "m-1", firstName: "Matrix"}) { id segments { id } } }',
    allowed: ['admin'],
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
  // With a note naming the person: kept out of the audit log, and masked for non-admins.
  const note = `${a!.first} ${a!.last} asked by phone: same person as ${b!.first}.`;
  const merged = await as(
    operator,
    `mutation($a: ID!, $b: ID!, $n: String) { mergeProfiles(profileId: $a, otherProfileId: $b, note: $n) { id } }`,
    { a: ida, b: idb, n: note },
  );
  expect(merged.body.errors).toBeUndefined();
  const log = async (token: string) =>
    (
      (
        await as(
          token,
          `query($id: ID!) { profile(id: $id) { mergeLog { reason explanation note } } }`,
          {
            id: ida,
          },
        )
      ).body.data as {
        profile: { mergeLog: { reason: string; explanation: string; note: string }[] };
      }
    ).profile.mergeLog.find((m) => m.reason === 'MANUAL');
  expect(await log(ADMIN)).toEqual({
    reason: 'MANUAL',
    explanation: `Merged by jwt:user-1: ${note}.`,
    note,
  });
  expect(await log(keys.dashboard)).toEqual({
    reason: 'MANUAL',
    explanation: 'Merged by jwt:user-1.',
    note: `${a!.first[0]}***`,
  });
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
