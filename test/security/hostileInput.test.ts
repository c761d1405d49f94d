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

/** Every document of every collection, and every PostgreSQL row this app owns, hashed. */
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
    for (const table of ['orders', 'order_items', 'match_records', 'match_reviews', 'api_keys']) {
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
  await refused(`mutation($c: [CrmContactInput!]!) { upsertCrmContacts(inputs: $c) { written } }`, {
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
