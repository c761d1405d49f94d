import { createHash } from 'node:crypto';
import { maskExplanation, maskIdentifier } from '../../src/auth/mask';
import { canonicalJson } from '../../src/validation/json';
import { startSecuredApp, type SecuredApp } from '../support/securedApp';

/**
 * Ids derived from personal values (a consent statement's id, an event's messageId, a CRM
 * id inside a record id) must tell a reader, writer or dashboard nothing: masked like
 * other record ids, or replaced by a keyed digest that hashing guesses cannot reproduce.
 */

let s: SecuredApp;
const PHONE = '+14155550142';
const EMAIL = 'alice.smith@example.com';
const AT = '2026-11-30T10:00:00.000Z';

const CONSENT = `mutation($v: String!, $at: DateTime) {
  setConsent(kind: PHONE, value: $v, consents: [{purpose: "marketing", granted: true}], at: $at) { id } }`;
const PROFILE = `query($v: String!) { profileByIdentifier(kind: PHONE, value: $v) {
  consent { purpose granted at recordId }
  events(first: 10) { edges { node { id event } } }
  mergeLog { recordId }
} }`;
type Seen = {
  consent: { purpose: string; granted: boolean; at: string; recordId: string }[];
  events: { edges: { node: { id: string; event: string } }[] };
  mergeLog: { recordId: string | null }[];
};
const seenBy = async (token: string): Promise<Seen> =>
  (await s.ok(token, PROFILE, { v: PHONE })).profileByIdentifier as Seen;

beforeAll(async () => {
  s = await startSecuredApp('opaque-ids');
  const { admin } = s.keys;
  await s.ok(admin, CONSENT, { v: PHONE, at: AT });
  await s.ok(admin, `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
    i: { crmId: EMAIL, phones: [PHONE], consent: [{ purpose: 'analytics', granted: true }] },
  });
  await s.ok(
    admin,
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted } }`,
    {
      e: ['signup', 'login'].map((what) => ({
        type: 'TRACK',
        event: what,
        userId: 'u-alice',
        messageId: `${EMAIL}-${what}`,
        traits: { phone: PHONE },
        context: { traits: { phone: PHONE } },
      })),
    },
  );
  await s.ok(
    admin,
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted } }`,
    {
      e: [{ type: 'IDENTIFY', userId: 'u-alice', traits: { phone: PHONE }, messageId: 'idf-1' }],
    },
  );
}, 60_000);
afterAll(() => s.t.close());

test("a consent statement's id is keyed: hashing the statement's values does not give it", async () => {
  const admin = await seenBy(s.keys.admin);
  const marketing = admin.consent.find((c) => c.purpose === 'marketing')!;
  expect(marketing.recordId).toMatch(/^consent:[A-Za-z0-9_-]{22}$/);
  // What an attacker who sees the purpose and time could compute for each candidate number.
  const guess = createHash('sha256')
    .update(
      canonicalJson({
        identifier: { kind: 'PHONE', value: PHONE },
        consents: [{ purpose: 'marketing', granted: true }],
        at: AT,
      }),
    )
    .digest('base64url');
  expect(marketing.recordId).not.toContain(guess.slice(0, 22));
  // Still named by its content: the same statement again changes nothing.
  await s.ok(s.keys.admin, CONSENT, { v: PHONE, at: AT });
  expect((await seenBy(s.keys.admin)).consent).toEqual(admin.consent);
});

test.each(['reader', 'writer', 'dashboard'] as const)(
  "a %s sees every consent's record id masked, as CRM ids are",
  async (role) => {
    const token = s.keys[role];
    const { status, body } = await s.as(token, PROFILE, { v: PHONE });
    if (role === 'writer') {
      // A writer reaches no profile by look-up; what it sees is what its mutation returns.
      const written = await s.ok(
        token,
        `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { consent { purpose recordId } } }`,
        {
          i: { crmId: EMAIL, phones: [PHONE], consent: [{ purpose: 'analytics', granted: true }] },
        },
      );
      const consent = (written.upsertCrmContact as { consent: { recordId: string }[] }).consent;
      expectMasked(consent.map((c) => c.recordId));
      return;
    }
    expect(status).toBe(200);
    const seen = (body.data as { profileByIdentifier: Seen }).profileByIdentifier;
    expectMasked(seen.consent.map((c) => c.recordId));
  },
);

/** The CRM contact's id masked as an email, the statement's id as a record id. */
function expectMasked(ids: string[]): void {
  expect(ids).toHaveLength(2);
  expect(JSON.stringify(ids)).not.toContain('alice.smith');
  expect(ids).toContain('crm:a***@example.com');
  expect(ids.find((id) => id.startsWith('consent:'))).toMatch(/^consent:.\*\*\*$/);
}

test.each(['reader', 'dashboard'] as const)(
  "a %s gets events' ids as opaque, stable, distinct stand-ins for their messageIds",
  async (role) => {
    const admin = (await seenBy(s.keys.admin)).events.edges.map((e) => e.node);
    expect(admin.map((e) => e.id)).toEqual(expect.arrayContaining([`${EMAIL}-signup`]));
    const first = (await seenBy(s.keys[role])).events.edges.map((e) => e.node);
    const again = (await seenBy(s.keys[role])).events.edges.map((e) => e.node);
    const ids = first.map((e) => e.id);
    expect(JSON.stringify(ids)).not.toMatch(/alice|example|signup/);
    for (const id of ids) expect(id).toMatch(/^o_[A-Za-z0-9_-]{22}$/);
    // Distinct per event and the same on every read, so a client cache keyed by id holds.
    expect(new Set(ids).size).toBe(ids.length);
    expect(again.map((e) => e.id)).toEqual(ids);
    expect(first.map((e) => e.event)).toEqual(admin.map((e) => e.event));
  },
);

test("a guessed statement sent as a messageId does not read back as the statement's id", async () => {
  const statement = canonicalJson({
    identifier: { kind: 'PHONE', value: PHONE },
    consents: [{ purpose: 'marketing', granted: true }],
    at: AT,
  });
  await s.ok(
    s.keys.admin,
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted } }`,
    {
      e: [{ type: 'TRACK', event: 'probe', userId: 'u-alice', messageId: statement }],
    },
  );
  const consentId = (await seenBy(s.keys.admin)).consent
    .find((c) => c.purpose === 'marketing')!
    .recordId.slice('consent:'.length);
  const shown = (await seenBy(s.keys.reader)).events.edges.map((e) => e.node.id.slice(2));
  expect(shown).toHaveLength(4);
  expect(shown).not.toContain(consentId);
});

test('a record id naming an event keeps only the first character of its messageId', () => {
  expect(maskIdentifier('event:jane.doe@example.com-signup')).toBe('event:j***');
  expect(maskIdentifier('crm:jane.doe@example.com')).toBe('crm:j***@example.com');
  expect(maskExplanation('Linked by event:jane.doe@example.com-signup.')).toBe(
    'Linked by event:j***.',
  );
});
