import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { collections } from '../../src/store/mongo/collections';
import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL } from '../support/gatewayProcess';
import { withPg } from '../support/postgres';

/**
 * A generated corpus of hostile input — malformed identifiers, unicode edge cases, huge
 * strings and arrays, MongoDB operators in every string and JSON field, invalid segment
 * rules, deep queries — against the real gateway. Each must get a clear client error
 * (never an internal one) and leave every store exactly as it was.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('hostile');
  // Something to compare against: a store that is not empty.
  const seeded = await postGraphQL(
    t.url,
    `mutation { upsertCrmContact(input: {crmId: "h-1", firstName: "Hana", emails: ["hana@example.com"], phones: ["+14155550100"], attributes: {plan: "pro"}}) { id } }`,
  );
  expect(seeded.body.errors).toBeUndefined();
  await new Promise((r) => setTimeout(r, 500)); // let after-write work (matching, queues) settle
}, 60_000);
afterAll(() => t.close());

/**
 * Every document of every collection, and every PostgreSQL row this app owns, hashed —
 * bronze_events included, where accepted events land before the pipeline applies them.
 * (The pipeline's lease tables change on their own as workers renew, so they are left out.)
 */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const cols = collections(t.app.db);
  for (const [name, col] of Object.entries(cols)) {
    const docs = await (col as { find: (f: object) => { toArray(): Promise<{ _id: unknown }[]> } })
      .find({})
      .toArray();
    const stable = docs
      .map((d) => JSON.stringify(d))
      .sort()
      .join('\n');
    out[name] = createHash('sha256').update(stable).digest('hex').slice(0, 16);
  }
  await withPg(async (pool) => {
    for (const table of [
      'orders',
      'order_items',
      'match_records',
      'match_reviews',
      'api_keys',
      'bronze_events',
    ]) {
      const { rows } = await pool
        .query(`SELECT * FROM ${t.pgSchema}.${table} ORDER BY 1`)
        .catch(() => ({ rows: [] }));
      out[`pg.${table}`] = createHash('sha256')
        .update(JSON.stringify(rows))
        .digest('hex')
        .slice(0, 16);
    }
  });
  return out;
}

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PAYLOAD_TOO_LARGE',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COSTLY',
  'BAD_REQUEST',
]);

/** Sends it and checks the answer is a client error that names what is wrong. */
async function refused(query: string, variables: Record<string, unknown>): Promise<void> {
  const { status, body } = await postGraphQL(t.url, query, variables);
  const errors = body.errors ?? [];
  const summary = JSON.stringify({
    status,
    errors: errors.map((e) => [e.extensions?.code, e.message]),
  });
  expect({ refused: errors.length > 0, summary }).toEqual({ refused: true, summary });
  for (const e of errors) {
    const code = String(e.extensions?.code);
    expect({ clientError: CLIENT_CODES.has(code), code, summary }).toEqual({
      clientError: true,
      code,
      summary,
    });
    expect(e.message.length).toBeGreaterThan(10);
  }
}

const OPERATORS = ['$gt', '$ne', '$where', '$regex', '$expr', '$set', '$function', '$lookup'];
/** A MongoDB operator where data belongs: `{"$gt": ""}`, as a value or a nested key. */
const operatorObject = fc
  .record({
    op: fc.constantFrom(...OPERATORS),
    value: fc.oneof(fc.string(), fc.integer(), fc.constant({})),
  })
  .map(({ op, value }) => ({ [op]: value }));
const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b@example.com',
    '\u202Eevil@example.com',
    'zero\u200Bwidth@example.com',
    '\uD800',
    '👩‍👩‍👧‍👦@example.com',
    '{"$gt": ""}',
    '$where',
    'null',
    '',
    ' ',
  ),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
);
const badEmail = fc.oneof(
  weirdString.filter((s) => !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(s)),
  fc.constantFrom('a@', '@b.com', 'a@@b.com', 'a b@c.com', 'x'.repeat(300) + '@example.com'),
);

test('malformed identifiers and unicode edge cases in contacts are refused, naming the field', async () => {
  const before = await snapshot();
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        email: badEmail,
        crmId: fc.oneof(fc.constantFrom('', ' ', 'x'.repeat(10_000), '\u0000'), fc.string()),
      }),
      async ({ email, crmId }) => {
        await refused(`mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
          i: {
            crmId:
              crmId.trim() === '' || crmId.length > 200 || crmId.includes('\u0000')
                ? crmId
                : `h-${crmId}`,
            emails: [email],
          },
        });
      },
    ),
    { numRuns: 60, seed: 66 },
  );
  expect(await snapshot()).toEqual(before);
});

test('operators in every string and JSON field are data or refused, never executed', async () => {
  const before = await snapshot();
  await fc.assert(
    fc.asyncProperty(
      operatorObject,
      fc.constantFrom('attributes', 'firstName', 'emails', 'crmId', 'birthDate'),
      async (op, field) => {
        const input: Record<string, unknown> = { crmId: 'h-op' };
        input[field] =
          field === 'attributes'
            ? { plan: op, [Object.keys(op)[0]!]: 1 }
            : field === 'emails'
              ? [op]
              : op;
        await refused(`mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
          i: input,
        });
      },
    ),
    { numRuns: 40, seed: 67 },
  );
  await fc.assert(
    fc.asyncProperty(operatorObject, async (op) => {
      // In event JSON (traits, properties, context) and in a look-up value.
      await refused(`mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`, {
        e: [
          {
            type: 'TRACK',
            event: 'X',
            userId: 'h-user',
            properties: { [Object.keys(op)[0]!]: op },
          },
        ],
      });
      await refused(`query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) { id } }`, {
        v: op,
      });
    }),
    { numRuns: 30, seed: 68 },
  );
  expect(await snapshot()).toEqual(before);
});

test('huge arrays, deep JSON and invalid segment rules are refused whole', async () => {
  const before = await snapshot();
  await refused(`mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
    i: { crmId: 'h-huge', emails: Array.from({ length: 5_000 }, (_, i) => `p${i}@example.com`) },
  });
  let deep: unknown = 'bottom';
  for (let i = 0; i < 200; i++) deep = { nested: deep };
  await refused(`mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
    i: { crmId: 'h-deep', attributes: { deep } },
  });
  await refused(`mutation($c: [CrmContactInput!]!) { upsertCrmContacts(inputs: $c) { changed } }`, {
    c: Array.from({ length: 501 }, (_, i) => ({ crmId: `h-bulk-${i}` })),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        operatorObject,
        fc.constantFrom(
          { and: [] },
          { trait: '$where', op: 'eq', value: 1 },
          { trait: 'a', op: 'regex', value: '.*' },
          { not: null },
          { withinDays: -1, event: 'x', atLeast: 1 },
        ),
      ),
      async (rule) => {
        await refused(`mutation($r: JSON!) { defineSegment(name: "Hostile", rule: $r) { id } }`, {
          r: rule,
        });
      },
    ),
    { numRuns: 60, seed: 69 },
  );
  expect(await snapshot()).toEqual(before);
});

test('deep and cyclic-looking queries are refused before they run', async () => {
  let selection = 'id';
  for (let i = 0; i < 30; i++)
    selection = `mergedFrom segments { members { edges { node { ${selection} } } } }`;
  await refused(`{ profiles { edges { node { ${selection} } } } }`, {});
  await refused(
    `query { profiles { ...A } } fragment A on ProfileConnection { edges { node { segments { members { ...A } } } } }`,
    {},
  );
});

// ---------------------------------------------------------------------------------------
// Ill-formed UTF-16: a lone surrogate is stored as U+FFFD, so two different ids would
// become one and a look-up would miss what was stored. Refused at every entry point,
// naming the field, before anything is written.

const LONE = ['\uD801', '\uDC00', 'usr\uD800', 'a\uDFFFb', '\uDBFF\uDBFF'];
const lone = fc.tuple(fc.constantFrom(...LONE), fc.string({ maxLength: 8 }), fc.boolean());
const withLone = ([bad, text, before]: [string, string, boolean]) =>
  before ? `${bad}${text}` : `${text}x${bad}`;

test('a lone surrogate in any GraphQL string input is refused, naming where it is', async () => {
  const before = await snapshot();
  const cases: [string, (v: string) => Record<string, unknown>, RegExp][] = [
    [
      `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
      (v) => ({ i: { crmId: v } }),
      /variables\.i\.crmId/,
    ],
    [
      `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
      (v) => ({ i: { crmId: 'h-sur', firstName: v } }),
      /variables\.i\.firstName/,
    ],
    [
      `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
      (v) => ({ i: { crmId: 'h-sur', attributes: { [v]: 'x' } } }),
      /variables\.i\.attributes\./,
    ],
    [
      `mutation($c: [CrmContactInput!]!) { upsertCrmContacts(inputs: $c) { changed } }`,
      (v) => ({ c: [{ crmId: 'h-ok' }, { crmId: 'h-sur', emails: [`${v}@example.com`] }] }),
      /variables\.c\[1\]\.emails\[0\]/,
    ],
    [
      `mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`,
      (v) => ({ e: [{ type: 'IDENTIFY', userId: v, messageId: 'h-sur-1' }] }),
      /variables\.e\[0\]\.userId/,
    ],
    [
      `mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`,
      (v) => ({ e: [{ type: 'TRACK', event: 'X', anonymousId: 'a', properties: { p: [v] } }] }),
      /variables\.e\[0\]\.properties\.p\[0\]/,
    ],
    [
      `mutation($v: String!) { setConsent(kind: USER_ID, value: $v, consents: [{purpose: "marketing", granted: true}]) { id } }`,
      (v) => ({ v }),
      /variables\.v/,
    ],
    [
      `mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`,
      (v) => ({
        o: [{ orderId: 'h-o', customerId: v, total: 1, currency: 'USD', placedAt: new Date() }],
      }),
      /variables\.o\[0\]\.customerId/,
    ],
    [
      `mutation($n: String!) { defineSegment(name: $n, rule: {trait: "plan", op: "exists", value: true}) { id } }`,
      (v) => ({ n: v }),
      /variables\.n/,
    ],
    [
      `query($v: String!) { profileByIdentifier(kind: USER_ID, value: $v) { id } }`,
      (v) => ({ v }),
      /variables\.v/,
    ],
  ];
  await fc.assert(
    fc.asyncProperty(lone, fc.integer({ min: 0, max: cases.length - 1 }), async (l, i) => {
      const [query, variables, field] = cases[i]!;
      const { status, body } = await postGraphQL(t.url, query, variables(withLone(l)));
      expect({ status, code: body.errors?.[0]?.extensions?.code }).toEqual({
        status: 400,
        code: 'BAD_USER_INPUT',
      });
      expect(body.errors![0]!.message).toMatch(field);
      expect(body.errors![0]!.message).toMatch(/lone UTF-16 surrogate/);
      expect(body.errors![0]!.extensions?.field).toMatch(field);
    }),
    { numRuns: 40, seed: 70 },
  );
  // In a GET request's variables, and in a string literal of the document itself.
  const get = await fetch(
    `${t.url}/graphql?query=${encodeURIComponent('query($v: String!) { profileByIdentifier(kind: USER_ID, value: $v) { id } }')}&variables=${encodeURIComponent('{"v":"usr\\ud801"}')}`,
  );
  expect(get.status).toBe(400);
  expect(JSON.stringify(await get.json())).toContain('variables.v');
  await refused(`{ profileByIdentifier(kind: USER_ID, value: "usr\\uD801") { id } }`, {});
  await refused(`{ profileByIdentifier(kind: USER_ID, value: "usr\uD801") { id } }`, {});
  expect(await snapshot()).toEqual(before);
});

test('a lone surrogate in a tracking call is refused with 400, naming the field; the user stays usable', async () => {
  const before = await snapshot();
  const post = (path: string, body: unknown) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('test-write-key:').toString('base64')}`,
      },
      body: JSON.stringify(body),
    });
  // The reported sequence: the same user twice, then another with a different surrogate.
  for (const [path, body, field] of [
    ['/v1/identify', { userId: 'usr\uD801', traits: { plan: 'pro' } }, 'userId'],
    ['/v1/identify', { userId: 'usr\uD801', traits: { plan: 'pro' } }, 'userId'],
    ['/v1/identify', { userId: 'usr\uD802' }, 'userId'],
    ['/v1/track', { anonymousId: 'a-1', event: 'X', properties: { q: 'x\uDC00' } }, 'properties.q'],
    [
      '/v1/batch',
      {
        batch: [
          { type: 'identify', userId: 'ok' },
          { type: 'identify', anonymousId: '\uDBFF' },
        ],
      },
      'batch[1].anonymousId',
    ],
    [
      '/v1/identify',
      { userId: 'u', context: { traits: { ['k\uD800']: 1 } } },
      'context.traits.k\uFFFD',
    ],
  ] as const) {
    const res = await post(path, body);
    const answer = (await res.json()) as { success: boolean; message: string; field?: string };
    expect({ status: res.status, field: answer.field }).toEqual({ status: 400, field });
    expect(answer.message).toMatch(/lone UTF-16 surrogate/);
  }
  expect(await snapshot()).toEqual(before);
  // The well-formed user goes through, and is found by what was sent (`?sync=1`: the answer
  // comes once the pipeline has applied the call to the profile).
  const ok = await post('/v1/identify?sync=1', {
    userId: 'usr\uD801\uDC37',
    traits: { plan: 'pro' },
  });
  expect({ status: ok.status, body: await ok.json() }).toEqual({
    status: 200,
    body: { success: true, accepted: 1, duplicates: 0, pending: 0 },
  });
  const found = await postGraphQL<{ profileByIdentifier: { traits: { plan: string } } | null }>(
    t.url,
    `query($v: String!) { profileByIdentifier(kind: USER_ID, value: $v) { traits } }`,
    { v: 'usr\uD801\uDC37' },
  );
  expect(found.body.data?.profileByIdentifier?.traits.plan).toBe('pro');
});
