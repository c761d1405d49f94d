/**
 * Issue #18, item 5: a dashboard read masked values through segment rules. A trait whose
 * key says nothing (`contact`) but whose value is an email is masked on read; a dashboard
 * key narrowed `{trait: "contact", op: "gte", value: prefix}` step by step and read the
 * segment's size (binary search: about two minutes), or confirmed a guess with `eq`.
 * Now the keys that held personal-looking values are learned on write and refused in
 * rules like personal keys, and segments comparing personal traits hide their sizes (and
 * members) below a floor from every role but admin.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  PersonalTraits,
  personalLookingKeys,
  type PersonalTraitKeyStore,
} from '../../src/profiles/personalTraits';
import { comparesPersonalTraits, parseRule } from '../../src/segments/rules/rule';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { refusedAt } from '../support/ruleChecks';
import { silentLogger, testConfig } from '../support/env';
import { postGraphQL } from '../support/gatewayProcess';
import { firstMessage } from '../support/subscriptions';
import { until } from '../support/wait';

describe('trait keys learned to hold personal values', () => {
  test('any email or phone number under a key, at any depth, in objects and arrays', () => {
    const keys = personalLookingKeys({
      contact: 'alice.smith@example.com',
      backup: { channels: [{ kind: 'sms', to: '+1 (415) 555-0123' }] },
      numbers: ['pro', 4155550123, '415.555.0199'],
      note: 'write to "alice smith"@example.com after 5pm',
      plan: 'pro',
      // Numbers under a key that says nothing are shown as they are: nothing to hide.
      score: 4155550123,
      nested: { deeper: { count: 7, flags: [true, false], label: 'gold' } },
      // Dates and timestamps hold digit runs, not phone numbers.
      seenAt: '2024-01-15T10:00:00Z',
      version: 'v1.2.3',
      empty: null,
      // Personal by its name already: masking and the rule check know it.
      emails: ['alice.smith@example.com'],
    });
    expect(keys.sort()).toEqual(['backup', 'contact', 'note', 'numbers']);
  });

  test('keys known already are not scanned again; keys no rule can name are left out', () => {
    expect(
      personalLookingKeys({ contact: 'a@b.example', other: 'x' }, new Set(['contact'])),
    ).toEqual([]);
    expect(personalLookingKeys({ ['k'.repeat(101)]: 'a@b.example' })).toEqual([]);
  });

  test('a failed store write never fails the trait write; the key counts at once and is stored on its next sighting', async () => {
    const written: string[][] = [];
    let failNext = true;
    let stored: string[] = [];
    const keyStore: PersonalTraitKeyStore = {
      add: (keys) => {
        written.push(keys);
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('store down'));
        }
        stored = [...new Set([...stored, ...keys])];
        return Promise.resolve();
      },
      learned: () => Promise.resolve(stored),
    };
    const traits = new PersonalTraits(keyStore, silentLogger);

    await expect(traits.observe({ contact: 'alice@example.com' })).resolves.toBeUndefined();
    expect([...(await traits.current())]).toEqual(['contact']);
    await traits.observe({ contact: 'bob@example.com', plan: 'pro' });
    expect(stored).toEqual(['contact']);
    // Stored: later writes of the key cost no store call.
    await traits.observe({ contact: 'carol@example.com' });
    expect(written).toEqual([['contact'], ['contact']]);
  });
});

describe('rule checks for callers who may not see personal data', () => {
  const rules = new Map([
    ['by-contact', parseRule({ trait: 'contact', op: 'eq', value: 'a@b.example' })],
    ['by-plan', parseRule({ trait: 'plan', op: 'eq', value: 'pro' })],
    ['via-contact', parseRule({ not: { inSegment: 'by-contact' } })],
  ]);
  const known = { learned: new Set(['contact']), ruleOf: (id: string) => rules.get(id) };
  const refused = (rule: unknown) => refusedAt(rule, known);

  test('a learned trait may only be tested with exists, like a personal one', () => {
    for (const op of ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'])
      expect(refused({ trait: 'contact', op, value: 'a' })).toBe('rule.trait');
    expect(refused({ trait: 'contact', op: 'in', value: ['a@b.example'] })).toBe('rule.trait');
    expect(
      refused({
        and: [
          { trait: 'plan', op: 'eq', value: 'pro' },
          { trait: 'contact', op: 'gte', value: 'alice' },
        ],
      }),
    ).toBe('rule.and[1].trait');
    expect(refused({ trait: 'contact', op: 'exists', value: true })).toBeNull();
    expect(refused({ trait: 'plan', op: 'gte', value: 'a' })).toBeNull();
    // Computed traits are Mosaic's own: their names decide.
    expect(refused({ computed: 'contact', op: 'gte', value: 'a' })).toBeNull();
    expect(refused({ computed: 'birthDate', op: 'lt', value: '1990' })).toBe('rule.computed');
  });

  test('nor may it build on a segment that compares one: its size would come out by difference', () => {
    expect(
      refused({ or: [{ inSegment: 'by-contact' }, { trait: 'plan', op: 'eq', value: 'pro' }] }),
    ).toBe('rule.or[0].inSegment');
    expect(refused({ not: { inSegment: 'via-contact' } })).toBe('rule.not.inSegment');
    expect(refused({ inSegment: 'by-plan' })).toBeNull();
  });

  test('a segment compares personal traits directly or through the segments it refers to', () => {
    const compares = (rule: unknown) => comparesPersonalTraits(parseRule(rule), known);
    expect(compares({ inSegment: 'by-contact' })).toBe(true);
    expect(compares({ inSegment: 'via-contact' })).toBe(true);
    expect(compares({ not: { trait: 'emails', op: 'lt', value: 'm' } })).toBe(true);
    expect(
      compares({
        and: [{ inSegment: 'by-plan' }, { trait: 'contact', op: 'exists', value: true }],
      }),
    ).toBe(false);
    expect(compares({ inSegment: 'gone' })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------
// Through the gateway, with a worker computing memberships.

const ADMIN = 'test-admin-key-rule-leaks-0123456789';
const ALICE_CONTACT = 'alice.smith@example.com';
let t: TestApp;
let worker: WorkerApp;
let dashboard = '';

async function as(token: string, query: string, variables?: Record<string, unknown>) {
  return postGraphQL(t.url, query, variables, { authorization: `Bearer ${token}` });
}
async function ok(token: string, query: string, variables?: Record<string, unknown>) {
  const { status, body } = await as(token, query, variables);
  expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  return body.data as Record<string, unknown>;
}

const UPSERT = `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`;
const DEFINE = `mutation($n: String!, $r: JSON!) { defineSegment(name: $n, rule: $r) { id } }`;
const SEGMENT = `query($id: ID!) { segment(id: $id) {
  size sizeSuppressed members(first: 10) { edges { node { id } } } recentChanges(first: 10) { profileId }
} }`;
interface SegmentView {
  size: number;
  sizeSuppressed: boolean;
  members: { edges: { node: { id: string } }[] };
  recentChanges: { profileId: string }[];
}
const segmentAs = async (token: string, id: string) =>
  (await ok(token, SEGMENT, { id })).segment as SegmentView;

beforeAll(async () => {
  t = await startTestApp('ruleleaks', { MOSAIC_AUTH: 'on', MOSAIC_ADMIN_KEY: ADMIN });
  // Workers cache segment definitions for 2 s: a frequent scheduled refresh places the
  // profiles stored before a segment was defined.
  worker = await createWorkerApp(
    testConfig({ POSTGRES_SCHEMA: t.pgSchema, MOSAIC_SEGMENT_REFRESH_MS: '500' }),
    silentLogger,
    { database: t.database },
  );
  const created = await ok(
    ADMIN,
    `mutation { createApiKey(name: "charts", role: DASHBOARD) { secret } }`,
  );
  dashboard = (created.createApiKey as { secret: string }).secret;
  await ok(ADMIN, UPSERT, {
    i: { crmId: 'leak-alice', attributes: { contact: ALICE_CONTACT, plan: 'pro' } },
  });
  await ok(ADMIN, UPSERT, { i: { crmId: 'leak-bob', attributes: { plan: 'pro' } } });
}, 60_000);

afterAll(async () => {
  await worker.close();
  await t.close();
});

test('the fixture: an admin reads the contact in the clear, a dashboard masked', async () => {
  const query = `{ profiles(first: 10) { edges { node { traits } } } }`;
  const traitsAs = async (token: string) =>
    (
      (await ok(token, query)).profiles as { edges: { node: { traits: { contact?: string } } }[] }
    ).edges
      .map((e) => e.node.traits.contact)
      .filter((c) => c !== undefined);
  expect(await traitsAs(ADMIN)).toEqual([ALICE_CONTACT]);
  expect(await traitsAs(dashboard)).toEqual(['a***@example.com']);
});

test('a dashboard cannot compare a trait that held an email, whatever its name', async () => {
  const attempts: [string, unknown, string][] = [
    ['prefix', { trait: 'contact', op: 'gte', value: 'alice.s' }, 'rule.trait'],
    ['guess', { trait: 'contact', op: 'eq', value: ALICE_CONTACT }, 'rule.trait'],
    [
      'nested',
      {
        and: [
          { trait: 'plan', op: 'eq', value: 'pro' },
          { trait: 'contact', op: 'lt', value: 'b' },
        ],
      },
      'rule.and[1].trait',
    ],
  ];
  for (const [name, rule, path] of attempts) {
    const { body } = await as(dashboard, DEFINE, { n: `probe ${name}`, r: rule });
    expect(body.data ?? null).toBeNull();
    expect({ name, code: body.errors?.[0]?.extensions?.code }).toEqual({ name, code: 'FORBIDDEN' });
    expect(body.errors?.[0]?.message).toContain(path);
    expect(body.errors?.[0]?.message).toContain('"contact"');
  }
  // Nor by changing a segment's rule: the dashboard's own, on a plain trait.
  await ok(dashboard, DEFINE, { n: 'Pro plan', r: { trait: 'plan', op: 'eq', value: 'pro' } });
  const update = await as(
    dashboard,
    `mutation($r: JSON!) { updateSegment(id: "pro-plan", rule: $r) { id } }`,
    { r: { or: [{ trait: 'contact', op: 'gte', value: 'alice' }] } },
  );
  expect(update.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(update.body.errors?.[0]?.message).toContain('rule.or[0].trait');
  const stored = await ok(ADMIN, `{ segment(id: "pro-plan") { rule } }`);
  expect(stored.segment).toEqual({ rule: { trait: 'plan', op: 'eq', value: 'pro' } });
  // Testing whether it exists is allowed.
  await ok(dashboard, DEFINE, {
    n: 'Has a contact',
    r: { trait: 'contact', op: 'exists', value: true },
  });
  // An admin may compare it.
  await ok(ADMIN, DEFINE, {
    n: 'Alice by contact',
    r: { trait: 'contact', op: 'eq', value: ALICE_CONTACT },
  });
});

test('a small segment on a personal value shows a dashboard size 0 and no members; an admin the exact size', async () => {
  await until('the worker to place Alice', async () => {
    const admin = await segmentAs(ADMIN, 'alice-by-contact');
    return admin.size === 1 && admin.recentChanges.length === 1;
  });
  const admin = await segmentAs(ADMIN, 'alice-by-contact');
  expect(admin).toMatchObject({ size: 1, sizeSuppressed: false });
  expect(admin.members.edges).toHaveLength(1);

  expect(await segmentAs(dashboard, 'alice-by-contact')).toEqual({
    size: 0,
    sizeSuppressed: true,
    members: { edges: [] },
    recentChanges: [],
  });
  // Nor through the profile's segments.
  const aliceId = admin.members.edges[0]!.node.id;
  const profile = await ok(dashboard, `query($id: ID!) { profile(id: $id) { segments { id } } }`, {
    id: aliceId,
  });
  expect(
    (profile.profile as { segments: { id: string }[] }).segments.map((s) => s.id),
  ).not.toContain('alice-by-contact');
  // The dashboard may not build on it (`or` with a large set would tell its size by
  // difference); a segment an admin builds on it is floored too.
  const { body } = await as(dashboard, DEFINE, {
    n: 'Via Alice',
    r: { or: [{ inSegment: 'alice-by-contact' }, { trait: 'plan', op: 'eq', value: 'free' }] },
  });
  expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  expect(body.errors?.[0]?.message).toContain('rule.or[0].inSegment');
  await ok(ADMIN, DEFINE, {
    n: 'Via Alice',
    r: { or: [{ inSegment: 'alice-by-contact' }, { trait: 'plan', op: 'eq', value: 'free' }] },
  });
  await until('the worker to place Alice in the referring segment', async () =>
    (await segmentAs(ADMIN, 'via-alice')).size === 1 ? true : null,
  );
  expect(await segmentAs(dashboard, 'via-alice')).toMatchObject({
    size: 0,
    sizeSuppressed: true,
    members: { edges: [] },
  });
});

test('a small segment on plain traits keeps its exact size for a dashboard', async () => {
  await until('the worker to place Alice and Bob', async () =>
    (await segmentAs(ADMIN, 'pro-plan')).size === 2 ? true : null,
  );
  const seen = await segmentAs(dashboard, 'pro-plan');
  expect(seen).toMatchObject({ size: 2, sizeSuppressed: false });
  expect(seen.members.edges).toHaveLength(2);
  // `exists` on a learned trait compares nothing: exact too.
  await until('the worker to place Alice by the existence of her contact', async () =>
    (await segmentAs(dashboard, 'has-a-contact')).size === 1 ? true : null,
  );
  expect(await segmentAs(dashboard, 'has-a-contact')).toMatchObject({ sizeSuppressed: false });
});

test('live feeds: segmentStats carries size 0 and no change to a dashboard below the floor', async () => {
  const open = (token: string) =>
    createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
  const next = <T>(client: Client, query: string) =>
    firstMessage<T>(client, query, { s: 'alice-by-contact' });
  const STATS = `subscription($s: ID!) { segmentStats(segmentId: $s) {
    size sizeSuppressed lastChange { profileId change } } }`;
  const CHANGES = `subscription($s: ID!) { segmentMembershipChanged(segmentId: $s) { profileId } }`;
  const admin = open(ADMIN);
  const charts = open(dashboard);
  try {
    type Stats = {
      segmentStats: { size: number; sizeSuppressed: boolean; lastChange: unknown };
    };
    const adminStats = next<Stats>(admin, STATS);
    const dashboardStats = next<Stats>(charts, STATS);
    const heardByDashboard: unknown[] = [];
    const stopListening = charts.subscribe(
      { query: CHANGES, variables: { s: 'alice-by-contact' } },
      {
        next: (msg) => heardByDashboard.push(msg),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    // Subscriptions are set up once the server has answered a round trip on each socket.
    await new Promise((r) => setTimeout(r, 500));
    // Someone else whose contact holds the same address: the segment grows to 2.
    await ok(ADMIN, UPSERT, {
      i: { crmId: 'leak-alice-twin', attributes: { contact: ALICE_CONTACT } },
    });
    expect((await adminStats).segmentStats).toMatchObject({
      size: 2,
      sizeSuppressed: false,
      lastChange: { change: 'ENTERED' },
    });
    expect((await dashboardStats).segmentStats).toEqual({
      size: 0,
      sizeSuppressed: true,
      lastChange: null,
    });
    await new Promise((r) => setTimeout(r, 500));
    stopListening();
    expect(heardByDashboard).toEqual([]);
  } finally {
    await admin.dispose();
    await charts.dispose();
  }
});
