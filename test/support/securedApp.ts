import { startTestApp, type TestApp } from './app';
import { postGraphQL } from './gatewayProcess';

export type RoleName = 'admin' | 'reader' | 'writer' | 'dashboard';

export interface SecuredApp {
  t: TestApp;
  /** A bearer per role: the bootstrap admin key and an API key for each other role. */
  keys: Record<RoleName, string>;
  /** POSTs an operation with a bearer. */
  as(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): ReturnType<typeof postGraphQL>;
  /** POSTs an operation with a bearer and fails on any error; returns `data`. */
  ok(
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
}

/** A gateway with authentication on, and one credential of each role (a writer for every source). */
export async function startSecuredApp(
  label: string,
  overrides: Record<string, string> = {},
): Promise<SecuredApp> {
  const admin = `test-admin-key-${label}-0123456789`;
  const t = await startTestApp(label, {
    MOSAIC_AUTH: 'on',
    MOSAIC_ADMIN_KEY: admin,
    ...overrides,
  });
  const as: SecuredApp['as'] = (token, query, variables) =>
    postGraphQL(t.url, query, variables, { authorization: `Bearer ${token}` });
  const ok: SecuredApp['ok'] = async (token, query, variables) => {
    const { status, body } = await as(token, query, variables);
    expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    return body.data as Record<string, unknown>;
  };
  const key = async (role: string, sources: string[] | null) => {
    const data = await ok(
      admin,
      `mutation($n: String!, $r: Role!, $s: [SourceName!]) {
         createApiKey(name: $n, role: $r, sources: $s) { secret } }`,
      { n: `${label}-${role.toLowerCase()}`, r: role, s: sources },
    );
    return (data.createApiKey as { secret: string }).secret;
  };
  const keys: Record<RoleName, string> = {
    admin,
    reader: await key('READER', null),
    writer: await key('WRITER', ['CRM', 'ORDERS', 'EVENTS']),
    dashboard: await key('DASHBOARD', null),
  };
  return { t, keys, as, ok };
}
