import { startTestApp, type TestApp } from '../support/app';
import { testConfig } from '../support/env';
import { postGraphQL } from '../support/gatewayProcess';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';

/**
 * PostgreSQL (orders, the matching index, the audit log, API keys) goes away behind a
 * proxy while CRM contacts keep arriving: contacts are still stored and resolved
 * (matching waits for a worker), an audited operation is refused before it runs with a
 * clear code, and everything works again once PostgreSQL is back.
 */

let t: TestApp;
let proxy: TcpProxy;

beforeAll(async () => {
  const pgUrl = new URL(testConfig().postgres.url);
  proxy = await startTcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
  pgUrl.port = String(proxy.port);
  t = await startTestApp('pgoutage', { POSTGRES_URL: pgUrl.toString() });
}, 60_000);

afterAll(async () => {
  await t.close();
  await proxy.close();
});

const UPSERT = `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id identifiers { value } } }`;
const MERGE = `mutation($a: ID!, $b: ID!) { mergeProfiles(profileId: $a, otherProfileId: $b) { id mergedFrom } }`;

test('contacts are stored through a PostgreSQL outage; audited operations are refused, not run unrecorded', async () => {
  const a = await postGraphQL<{ upsertCrmContact: { id: string } }>(t.url, UPSERT, {
    i: { crmId: 'pg-a', firstName: 'Ada', emails: ['ada@example.com'] },
  });
  expect(a.body.errors).toBeUndefined();

  proxy.setMode('refuse');
  const b = await postGraphQL<{
    upsertCrmContact: { id: string; identifiers: { value: string }[] };
  }>(t.url, UPSERT, { i: { crmId: 'pg-b', firstName: 'Bea', emails: ['bea@example.com'] } });
  // Stored and resolved deterministically; matching is queued for a worker.
  expect(b.body.errors).toBeUndefined();
  expect(b.body.data!.upsertCrmContact.identifiers.map((i) => i.value)).toContain(
    'bea@example.com',
  );
  const ids = { a: a.body.data!.upsertCrmContact.id, b: b.body.data!.upsertCrmContact.id };

  const refused = await postGraphQL(t.url, MERGE, ids);
  expect(refused.body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
  expect(refused.body.errors?.[0]?.message).toMatch(/not run/);
  // Not run: the two profiles are still apart.
  const apart = await postGraphQL<{ profile: { mergedFrom: string[] } }>(
    t.url,
    `query($id: ID!) { profile(id: $id) { mergedFrom } }`,
    { id: ids.a },
  );
  expect(apart.body.data!.profile.mergedFrom).toEqual([]);
  const ready = await fetch(`${t.url}/readyz`);
  expect(ready.status).toBe(200); // a degraded source is not an unready gateway
  expect(await ready.json()).toMatchObject({
    status: 'degraded',
    checks: { mongodb: { ok: true }, postgresql: { ok: false } },
  });

  proxy.setMode('forward');
  const merged = await postGraphQL<{ mergeProfiles: { mergedFrom: string[] } }>(t.url, MERGE, ids);
  expect(merged.body.errors).toBeUndefined();
  expect(merged.body.data!.mergeProfiles.mergedFrom).toHaveLength(1);
  const audit = await postGraphQL<{
    auditLog: { edges: { node: { action: string; status: string } }[] };
  }>(t.url, `{ auditLog { edges { node { action status } } } }`);
  expect(audit.body.data!.auditLog.edges.map((e) => e.node)).toEqual([
    { action: 'PROFILES_MERGED', status: 'DONE' },
  ]);
}, 60_000);
