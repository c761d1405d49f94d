/**
 * Leaks a security review found, each checked where it was: a reader or dashboard must get
 * every email, phone, name and other personal value masked, whatever path, key, type or
 * nesting it comes by; a writer must not reach other people's profiles; a dashboard must
 * not be able to search stored values through segment rules.
 */
import {
  maskEmail,
  maskExplanation,
  maskIdentifier,
  maskJson,
  maskProse,
  personalKeyFamily,
} from '../../src/auth/mask';
import {
  manualMergeExplanation,
  splitManualMergeExplanation,
} from '../../src/identity/identityAdmin';
import { startTestApp, type TestApp } from '../support/app';
import { refusedAt } from '../support/ruleChecks';
import { postGraphQL } from '../support/gatewayProcess';

describe('JSON masking (traits, event properties, CRM records)', () => {
  test('numbers under personal keys are masked like strings; other numbers and booleans are kept', () => {
    expect(
      maskJson({
        mobile: 4155550123,
        ssn: 123456789,
        phone_number: 4155550177,
        plan: 'pro',
        orders: 3,
        vip: true,
      }),
    ).toEqual({
      mobile: '******0123',
      ssn: '1***',
      phone_number: '******0177',
      plan: 'pro',
      orders: 3,
      vip: true,
    });
  });

  test('a personal key covers the objects and arrays under it', () => {
    expect(
      maskJson({
        name: { first: 'Alice', last: 'Smithson' },
        address: { street_address: '12 Elm Road', city: 'Oakfield', verified: true },
        phones: [{ number: 4155550123, label: 'home' }],
        legal: { familyName: 'Smithson' },
        preferences: { colour: 'green' },
      }),
    ).toEqual({
      name: { first: 'A***', last: 'S***' },
      address: { street_address: '1***', city: 'O***', verified: true },
      phones: [{ number: '******0123', label: 'h***' }],
      legal: { familyName: 'S***' },
      preferences: { colour: 'green' },
    });
  });

  test('personal keys are matched by family, whatever their case and separators', () => {
    for (const key of [
      'familyName',
      'username',
      'displayName',
      'nick_name',
      'NICKNAME',
      'streetAddress',
      'home-address',
      'Date_Of_Birth',
      'birthday',
      'dob',
      'national-id',
      'nationalInsuranceNumber',
      'taxId',
      'tax_number',
      'passportNo',
      'SSN',
      'zipCode',
      'postal_code',
    ])
      expect({ key, family: personalKeyFamily(key) }).toEqual({ key, family: 'text' });
    for (const key of ['workEmail', 'e-mail', 'EMAIL_ADDRESS'])
      expect({ key, family: personalKeyFamily(key) }).toEqual({ key, family: 'email' });
    for (const key of ['mobileNumber', 'home_phone', 'Phone-Number', 'cellular', 'fax'])
      expect({ key, family: personalKeyFamily(key) }).toEqual({ key, family: 'phone' });
    for (const key of ['plan', 'city', 'score', 'hostname', 'productName', 'lifetimeValue', 'zone'])
      expect({ key, family: personalKeyFamily(key) }).toEqual({ key, family: null });
  });

  test('a birth date or national id keeps no digits (they look like phone numbers)', () => {
    expect(maskJson({ birthDate: '1990-04-01', nationalId: '123-45-6789' })).toEqual({
      birthDate: '1***',
      nationalId: '1***',
    });
  });

  test('emails and phone numbers in text are found by their shape', () => {
    expect(maskProse('write to "john doe"@example.com today')).toBe(
      'write to j***@example.com today',
    );
    expect(maskProse(`ask o'brien@example.com`)).toBe('ask o***@example.com');
    expect(maskProse(`'alice@example.com'`)).toBe(`a***@example.com'`);
    expect(maskProse('call 415/555/0123 or +1 (415) 555-0199')).toBe(
      'call ******0123 or *******0199',
    );
    expect(maskEmail('"john doe"@example.com')).toBe('j***@example.com');
    expect(maskJson({ contact: '"john doe"@example.com' })).toEqual({
      contact: 'j***@example.com',
    });
  });

  test('identifiers are masked by shape; record ids keep their prefix', () => {
    expect(maskIdentifier('alice@example.com')).toBe('a***@example.com');
    expect(maskIdentifier('+14155550123')).toBe('*******0123');
    expect(maskIdentifier('asmithson')).toBe('a***');
    expect(maskIdentifier('crm:Smithson-7781')).toBe('crm:S***');
    expect(maskIdentifier('order:alice@example.com')).toBe('order:a***@example.com');
    expect(maskIdentifier('4155550123', 'CRM_ID')).toBe('******0123');
    expect(maskIdentifier('x', 'EMAIL')).toBe('***');
  });

  test('a segment rule keeps its structure; the values it compares are masked', () => {
    expect(
      maskJson({
        or: [
          { trait: 'emails', op: 'in', value: ['alice@example.com'] },
          { trait: 'firstName', op: 'eq', value: 'Alice' },
          { trait: 'mobile', op: 'gte', value: 4155550000 },
          { trait: 'plan', op: 'eq', value: 'pro' },
          { event: 'Order Completed', atLeast: 2, withinDays: 30 },
        ],
      }),
    ).toEqual({
      or: [
        { trait: 'emails', op: 'in', value: ['a***@example.com'] },
        { trait: 'firstName', op: 'eq', value: 'A***' },
        { trait: 'mobile', op: 'gte', value: '******0000' },
        { trait: 'plan', op: 'eq', value: 'pro' },
        { event: 'Order Completed', atLeast: 2, withinDays: 30 },
      ],
    });
  });

  test('merge explanations: the linking identifier, quoted identifiers and record ids are masked', () => {
    const text =
      'Record crm:Smithson-7782 linked CRM_ID Smithson-7782 (held by profile 01B) with ' +
      'EMAIL alice@example.com (held by profile 01A); the older profile survives.';
    const masked = maskExplanation(text, { kind: 'CRM_ID', value: 'Smithson-7782' });
    expect(masked).not.toMatch(/Smithson|alice@/);
    expect(masked).toBe(
      'Record crm:S*** linked CRM_ID S*** (held by profile 01B) with ' +
        'EMAIL a***@example.com (held by profile 01A); the older profile survives.',
    );
    // A short value is replaced where it stands, not inside profile ids.
    expect(
      maskExplanation('USER_ID 1A (held by profile 01A1A)', { kind: 'USER_ID', value: '1A' }),
    ).toBe('USER_ID 1*** (held by profile 01A1A)');
  });

  test("a manual merge's note is kept apart from its explanation", () => {
    const explanation = manualMergeExplanation('jwt:op-1', 'Alice Smithson: same person.');
    expect(splitManualMergeExplanation(explanation)).toEqual({
      explanation: 'Merged by jwt:op-1.',
      note: 'Alice Smithson: same person.',
    });
    expect(splitManualMergeExplanation(manualMergeExplanation('admin-key', null))).toEqual({
      explanation: 'Merged by admin-key.',
      note: null,
    });
  });
});

describe('segment rules for callers who may not see personal data', () => {
  const refused = (rule: unknown) => refusedAt(rule);
  test('compare no personal trait but with exists', () => {
    for (const op of ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'])
      expect(refused({ trait: 'emails', op, value: 'm' })).toBe('rule.trait');
    expect(refused({ trait: 'phones', op: 'in', value: ['+14155550123'] })).toBe('rule.trait');
    expect(
      refused({
        and: [
          { trait: 'plan', op: 'eq', value: 'pro' },
          { not: { trait: 'first_name', op: 'gte', value: 'M' } },
        ],
      }),
    ).toBe('rule.and[1].not.trait');
    expect(refused({ computed: 'birthDate', op: 'lt', value: '1990' })).toBe('rule.computed');
    expect(refused({ trait: 'emails', op: 'exists', value: true })).toBeNull();
    expect(refused({ trait: 'plan', op: 'gte', value: 'a' })).toBeNull();
    expect(refused({ computed: 'lifetimeValue', op: 'gte', value: 500 })).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------
// Through the gateway.

const ADMIN = 'test-admin-key-leaks-0123456789';
let t: TestApp;
const keys = { reader: '', writer: '', dashboard: '', admin: ADMIN };

async function as(token: string, query: string, variables?: Record<string, unknown>) {
  return postGraphQL(t.url, query, variables, { authorization: `Bearer ${token}` });
}
async function ok(token: string, query: string, variables?: Record<string, unknown>) {
  const { status, body } = await as(token, query, variables);
  expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  return body.data as Record<string, unknown>;
}

const ALICE = {
  first: 'Alice',
  last: 'Smithson',
  email: 'alice.smithson@example.com',
  phone: '+14155550123',
  crmId: 'Smithson-7781',
  secondCrmId: 'Smithson-7782',
};
const BOB = { email: 'bob.quennell@mail.test', crmId: 'Quennell-2001' };
const NOTE = 'Alice Smithson and Bob Quennell share a household: same person per ticket 88.';

/** Every value above, and the personal values of the fixture, in any case. */
const SECRETS = [
  'alice',
  'smithson',
  'quennell',
  'bob.q',
  '4155550123',
  '4155550199',
  '4155550177',
  '4155550166',
  '123456789',
  'elm road',
  'oakfield',
  'lisbet',
  'household',
  'asmithson',
  '1990-04-01',
];
const leaks = (data: unknown): string[] => {
  const text = JSON.stringify(data).toLowerCase();
  return SECRETS.filter((s) => text.includes(s));
};

const PROFILE = `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) {
  id identifiers { kind value } traits computedTraits
  crmRecords { crmId traits raw identifiers { kind value } }
  orders(first: 10) { edges { node { orderId customerId } } }
  events(first: 20) { edges { node { userId anonymousId traits properties } } }
  mergeLog { action reason explanation note linkedBy { kind value } recordId recordIds
    match { recordId otherRecordId } }
} }`;
type ProfileView = {
  id: string;
  identifiers: { kind: string; value: string }[];
  traits: Record<string, unknown>;
  crmRecords: { crmId: string; raw: Record<string, unknown> }[];
  orders: { edges: { node: { orderId: string; customerId: string } }[] };
  events: { edges: { node: { userId: string | null; anonymousId: string | null } }[] };
  mergeLog: {
    action: string;
    reason: string;
    explanation: string;
    note: string | null;
    linkedBy: { kind: string; value: string } | null;
    recordId: string | null;
    recordIds: string[];
  }[];
};
const profileAs = async (token: string): Promise<ProfileView> => {
  const data = await ok(token, PROFILE, { v: ALICE.email });
  const profile = data.profileByIdentifier as ProfileView | null;
  expect(profile).not.toBeNull();
  return profile!;
};

let segmentId = '';

beforeAll(async () => {
  t = await startTestApp('leaks', { MOSAIC_AUTH: 'on', MOSAIC_ADMIN_KEY: ADMIN });
  const key = async (name: string, role: string, sources?: string[]) =>
    (
      (await ok(
        ADMIN,
        `mutation($n: String!, $r: Role!, $s: [SourceName!]) {
           createApiKey(name: $n, role: $r, sources: $s) { secret } }`,
        { n: name, r: role, s: sources ?? null },
      )) as { createApiKey: { secret: string } }
    ).createApiKey.secret;
  keys.reader = await key('frontend', 'READER');
  keys.writer = await key('crm-sync', 'WRITER', ['CRM']);
  keys.dashboard = await key('charts', 'DASHBOARD');

  const UPSERT = `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`;
  await ok(keys.writer, UPSERT, {
    i: {
      crmId: ALICE.crmId,
      firstName: ALICE.first,
      lastName: ALICE.last,
      emails: [ALICE.email],
      phones: [ALICE.phone],
      birthDate: '1990-04-01',
      attributes: {
        plan: 'pro',
        mobile: 4155550199,
        ssn: 123456789,
        phone_number: 4155550177,
        legalName: { first: ALICE.first, last: ALICE.last },
        mailingAddress: { street_address: '12 Elm Road', town: 'Oakfield' },
        familyName: ALICE.last,
        username: 'asmithson',
        displayName: `${ALICE.first} S.`,
        nickname: 'Lisbet',
      },
    },
  });
  // A second contact, then the same contact holding Alice's email: a shared-identifier merge.
  await ok(keys.writer, UPSERT, { i: { crmId: ALICE.secondCrmId, phones: ['+14155550188'] } });
  await ok(keys.writer, UPSERT, {
    i: { crmId: ALICE.secondCrmId, phones: ['+14155550188'], emails: [ALICE.email] },
  });
  // Bob: a CRM contact, and an anonymous visitor who identifies with Bob's email (a merge
  // through the anonymous id), with a user id that is a name.
  await ok(keys.writer, UPSERT, { i: { crmId: BOB.crmId, emails: [BOB.email] } });
  // Orders whose customer id is an email, or a name.
  await ok(ADMIN, `mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`, {
    o: [
      { orderId: 'o-1', customerId: ALICE.email, email: ALICE.email },
      { orderId: 'o-2', customerId: 'quennell-cust', email: BOB.email },
    ].map((o) => ({ ...o, total: 10, currency: 'USD', placedAt: new Date().toISOString() })),
  });
  await ok(
    ADMIN,
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted } }`,
    {
      e: [
        { type: 'TRACK', event: 'Viewed', anonymousId: 'dev-quennell-42', messageId: 'lk-1' },
        {
          type: 'IDENTIFY',
          anonymousId: 'dev-quennell-42',
          userId: 'bquennell',
          traits: { email: BOB.email, name: 'Bob Quennell', mobile_phone: 4155550166 },
          messageId: 'lk-2',
        },
      ],
    },
  );
  // An operator merges the two by hand, with a note naming them.
  const idOf = async (email: string) =>
    (
      (await ok(
        ADMIN,
        `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) { id } }`,
        {
          v: email,
        },
      )) as { profileByIdentifier: { id: string } }
    ).profileByIdentifier.id;
  await ok(
    ADMIN,
    `mutation($a: ID!, $b: ID!, $n: String) { mergeProfiles(profileId: $a, otherProfileId: $b, note: $n) { id } }`,
    { a: await idOf(ALICE.email), b: await idOf(BOB.email), n: NOTE },
  );
  // A segment an admin defined on personal values.
  const defined = (await ok(
    ADMIN,
    `mutation($r: JSON!) { defineSegment(name: "VIP people", rule: $r) { id } }`,
    {
      r: {
        or: [
          { trait: 'emails', op: 'in', value: [ALICE.email] },
          { trait: 'firstName', op: 'eq', value: ALICE.first },
          { trait: 'mobile', op: 'gte', value: 4155550199 },
        ],
      },
    },
  )) as { defineSegment: { id: string } };
  segmentId = defined.defineSegment.id;
}, 60_000);
afterAll(() => t.close());

test('the fixture holds what the leaks need (seen by an admin, in the clear)', async () => {
  const p = await profileAs(ADMIN);
  expect(p.orders.edges.map((e) => e.node.customerId).sort()).toEqual([
    ALICE.email,
    'quennell-cust',
  ]);
  expect(p.crmRecords.map((r) => r.crmId)).toEqual(
    expect.arrayContaining([ALICE.crmId, ALICE.secondCrmId, BOB.crmId]),
  );
  expect(p.traits).toMatchObject({ mobile: 4155550199, ssn: 123456789 });
  const anonymous = p.events.edges.map((e) => e.node.anonymousId);
  expect(anonymous).toContain('dev-quennell-42');
  expect(p.events.edges.map((e) => e.node.userId)).toContain('bquennell');
  const shared = p.mergeLog.filter((m) => m.reason === 'SHARED_IDENTIFIER');
  expect(shared.length).toBeGreaterThanOrEqual(2);
  expect(shared.every((m) => m.linkedBy !== null)).toBe(true);
  expect(shared.map((m) => m.recordId)).toContain(`crm:${ALICE.secondCrmId}`);
  const manual = p.mergeLog.find((m) => m.reason === 'MANUAL')!;
  expect(manual.note).toBe(NOTE);
  expect(manual.explanation).toContain(NOTE);
  expect(leaks(p).length).toBeGreaterThan(5);
});

test.each(['reader', 'dashboard'] as const)(
  'a %s gets every path of the profile masked',
  async (role) => {
    const p = await profileAs(keys[role]);
    expect(leaks(p)).toEqual([]);
    // Masked, not dropped: recognisable by whoever knows the value already.
    expect(p.orders.edges.map((e) => e.node.customerId).sort()).toEqual([
      'a***@example.com',
      'q***',
    ]);
    expect(p.crmRecords.map((r) => r.crmId)).toEqual(expect.arrayContaining(['S***', 'Q***']));
    expect(p.traits).toMatchObject({
      plan: 'pro',
      mobile: '******0199',
      ssn: '1***',
      phone_number: '******0177',
      legalName: { first: 'A***', last: 'S***' },
      mailingAddress: { street_address: '1***', town: 'O***' },
      familyName: 'S***',
      username: 'a***',
      nickname: 'L***',
      birthDate: '1***',
    });
    const events = p.events.edges.map((e) => e.node);
    expect(events.map((e) => e.anonymousId)).toContain('d***');
    expect(events.map((e) => e.userId)).toContain('b***');
    const shared = p.mergeLog.filter((m) => m.reason === 'SHARED_IDENTIFIER');
    expect(shared.length).toBeGreaterThanOrEqual(2);
    expect(shared.every((m) => m.linkedBy !== null && m.linkedBy.value.includes('***'))).toBe(true);
    expect(shared.map((m) => m.recordId)).toContain('crm:S***');
    const manual = p.mergeLog.find((m) => m.reason === 'MANUAL')!;
    expect(manual.note).toBe('A***');
    expect(manual.explanation).toMatch(/^Merged by admin-key\.$/);
  },
);

test("a reader sees a segment's rule with its values masked, its structure intact", async () => {
  const data = await ok(keys.reader, `query($id: ID!) { segment(id: $id) { rule } }`, {
    id: segmentId,
  });
  const rule = (data.segment as { rule: unknown }).rule;
  expect(leaks(rule)).toEqual([]);
  expect(rule).toEqual({
    or: [
      { trait: 'emails', op: 'in', value: ['a***@example.com'] },
      { trait: 'firstName', op: 'eq', value: 'A***' },
      { trait: 'mobile', op: 'gte', value: '******0199' },
    ],
  });
  // An admin sees it as sent.
  const admin = await ok(ADMIN, `query($id: ID!) { segment(id: $id) { rule } }`, { id: segmentId });
  expect(JSON.stringify(admin)).toContain(ALICE.email);
});

test('a dashboard may define segments on plain traits and sees their rules', async () => {
  const data = await ok(
    keys.dashboard,
    `mutation { defineSegment(name: "Pro plan", rule: {and: [{trait: "plan", op: "eq", value: "pro"}, {trait: "emails", op: "exists", value: true}]}) { rule } }`,
  );
  expect((data.defineSegment as { rule: unknown }).rule).toEqual({
    and: [
      { trait: 'plan', op: 'eq', value: 'pro' },
      { trait: 'emails', op: 'exists', value: true },
    ],
  });
});

test('a dashboard cannot search stored personal values through segment rules', async () => {
  const attempts: [string, unknown, string][] = [
    ['by-email', { trait: 'emails', op: 'lt', value: 'b' }, 'rule.trait'],
    ['by-phone', { trait: 'phones', op: 'gte', value: '+1415' }, 'rule.trait'],
    ['by-name', { trait: 'firstName', op: 'eq', value: 'Alice' }, 'rule.trait'],
    [
      'nested',
      {
        or: [
          { trait: 'plan', op: 'eq', value: 'pro' },
          { not: { trait: 'lastName', op: 'in', value: ['S'] } },
        ],
      },
      'rule.or[1].not.trait',
    ],
  ];
  for (const [name, rule, path] of attempts) {
    const { body } = await as(
      keys.dashboard,
      `mutation($n: String!, $r: JSON!) { defineSegment(name: $n, rule: $r) { id } }`,
      { n: name, r: rule },
    );
    expect(body.data ?? null).toBeNull();
    expect({ name, code: body.errors?.[0]?.extensions?.code }).toEqual({ name, code: 'FORBIDDEN' });
    expect(body.errors?.[0]?.message).toContain(path);
  }
  // Nor by changing a segment's rule.
  const update = await as(
    keys.dashboard,
    `mutation($id: ID!) { updateSegment(id: $id, rule: {trait: "emails", op: "gt", value: "a"}) { id } }`,
    { id: segmentId },
  );
  expect(update.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  // Nothing was stored.
  const segments = await ok(ADMIN, `{ segments { id rule } }`);
  expect((segments.segments as { id: string }[]).map((s) => s.id).sort()).toEqual(
    ['pro-plan', segmentId].sort(),
  );
  // An admin may.
  await ok(
    ADMIN,
    `mutation { updateSegment(id: "${segmentId}", rule: {trait: "emails", op: "gt", value: "a"}) { id } }`,
  );
});

test("a writer cannot reach other people's profiles through the profile its mutation returns", async () => {
  const { body } = await as(
    keys.writer,
    `mutation { upsertCrmContact(input: {crmId: "w-1", emails: ["w1@example.com"]}) {
       id segments { id members(first: 100) { edges { node { id traits } } } } } }`,
  );
  expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  expect(body.errors?.[0]?.message).toMatch(/Profile\.segments needs the role/);
  expect(leaks(body)).toEqual([]);
  // What it may read of that profile still comes back (masked).
  const own = await ok(
    keys.writer,
    `mutation { upsertCrmContact(input: {crmId: "w-1", emails: ["w1@example.com"]}) { id traits } }`,
  );
  expect(JSON.stringify(own)).toContain('w***@example.com');
  // Readers and dashboards still read members and recent changes.
  for (const role of ['reader', 'dashboard'] as const)
    await ok(
      keys[role],
      `{ segments { members(first: 5) { edges { node { id } } } recentChanges(first: 5) { profileId } } }`,
    );
});
