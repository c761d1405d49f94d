import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL } from '../support/gatewayProcess';

/**
 * The README's role matrix rows for privacy requests and consent: export and erasure are
 * admin-only; consent statements are a CRM writer's or an admin's. Checked for every role
 * and for no credential, on a person who exists (so a refusal is the role's, not NOT_FOUND).
 */

const ADMIN = 'test-admin-key-privacy-0123456789';
let t: TestApp;
const keys: Record<string, string> = { admin: ADMIN };

const as = (token: string | null, query: string) =>
  postGraphQL(t.url, query, {}, token ? { authorization: `Bearer ${token}` } : {});

beforeAll(async () => {
  t = await startTestApp('privroles', { MOSAIC_AUTH: 'on', MOSAIC_ADMIN_KEY: ADMIN });
  for (const [role, sources] of [
    ['reader', null],
    ['writer', ['CRM']],
    ['dashboard', null],
  ] as const) {
    const { body } = await postGraphQL(
      t.url,
      `mutation($n: String!, $r: Role!, $s: [SourceName!]) {
         createApiKey(name: $n, role: $r, sources: $s) { secret } }`,
      { n: role, r: role.toUpperCase(), s: sources },
      { authorization: `Bearer ${ADMIN}` },
    );
    keys[role] = (body.data as { createApiKey: { secret: string } }).createApiKey.secret;
  }
  await as(
    ADMIN,
    `mutation { upsertCrmContact(input: {crmId: "p-1", emails: ["pia@example.com"]}) { id } }`,
  );
}, 60_000);
afterAll(() => t.close());

const EXPORT = `{ exportPerson(kind: EMAIL, value: "pia@example.com") }`;
const CONSENT = `mutation { setConsent(kind: EMAIL, value: "pia@example.com",
  consents: [{purpose: "marketing", granted: true}]) { id } }`;
const ERASE = `mutation { erasePerson(kind: EMAIL, value: "pia@example.com") { erasureId } }`;

const outcome = async (token: string | null, query: string) => {
  const { status, body } = await as(token, query);
  if (status === 401) return 'UNAUTHENTICATED';
  return (body.errors?.[0]?.extensions?.code as string | undefined) ?? 'ok';
};

test.each([
  ['exportPerson', EXPORT, { reader: 'FORBIDDEN', writer: 'FORBIDDEN', dashboard: 'FORBIDDEN' }],
  ['setConsent', CONSENT, { reader: 'FORBIDDEN', writer: 'ok', dashboard: 'FORBIDDEN' }],
  ['erasePerson', ERASE, { reader: 'FORBIDDEN', writer: 'FORBIDDEN', dashboard: 'FORBIDDEN' }],
])('%s by role', async (_name, query, expected) => {
  expect(await outcome(null, query)).toBe('UNAUTHENTICATED');
  for (const [role, code] of Object.entries(expected))
    expect([role, await outcome(keys[role]!, query)]).toEqual([role, code]);
  // Last, so the person is still there for every refused attempt above.
  expect(await outcome(ADMIN, query)).toBe('ok');
});
