import { SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL } from '../support/gatewayProcess';

/**
 * A JWT that verifies is still refused when its claims cannot be what they say: a `sub`
 * that is not a non-empty string (it names the caller in audit logs and merge
 * explanations), or an `iat` that is not a number or is in the future (beyond a minute
 * of clock skew).
 */

const JWT_SECRET = 'a-shared-secret-of-at-least-32-characters';
const SKEW_S = 60;
const nowS = () => Math.floor(Date.now() / 1000);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('jwtclaims', {
    MOSAIC_AUTH: 'on',
    MOSAIC_JWT_SECRET: JWT_SECRET,
    MOSAIC_JWT_ISSUER: 'https://idp.example',
    MOSAIC_JWT_AUDIENCE: 'mosaic',
  });
}, 60_000);
afterAll(() => t.close());

/** A valid HS256 token but for `claims`, which override `sub` and `iat` as given. */
const jwt = (claims: Record<string, unknown>) =>
  new SignJWT({ sub: 'user-1', iat: nowS(), mosaic_role: 'reader', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('https://idp.example')
    .setAudience('mosaic')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));

const whoami = (token: string) =>
  postGraphQL(t.url, '{ whoami { role subject } }', undefined, {
    authorization: `Bearer ${token}`,
  });

async function refused(claims: Record<string, unknown>, why: RegExp): Promise<void> {
  const { status, body } = await whoami(await jwt(claims));
  const error = body.errors?.[0];
  expect({ status, code: error?.extensions?.code, data: body.data?.whoami ?? null }).toEqual({
    status: 401,
    code: 'UNAUTHENTICATED',
    data: null,
  });
  expect(error?.message).toMatch(why);
}

test('a well-formed token is accepted, its subject named', async () => {
  const { body } = await whoami(await jwt({}));
  expect(body).toEqual({ data: { whoami: { role: 'READER', subject: 'jwt:user-1' } } });
});

test('sub must be a non-empty string', async () => {
  await refused({ sub: { id: 'user-1' } }, /sub.*non-empty string/);
  await refused({ sub: ['user-1'] }, /sub.*non-empty string/);
  await refused({ sub: 42 }, /sub.*non-empty string/);
  await refused({ sub: '' }, /sub.*non-empty string/);
});

test('iat may not be in the future, beyond a minute of clock skew', async () => {
  await refused({ iat: nowS() + 3600 }, /iat.*future/);
  await refused({ iat: nowS() + SKEW_S + 30 }, /iat.*future/);
  // Within the skew: the issuer's clock is a little ahead of ours.
  const { body } = await whoami(await jwt({ iat: nowS() + 30 }));
  expect(body.data).toEqual({ whoami: { role: 'READER', subject: 'jwt:user-1' } });
});

test('iat must be a number', async () => {
  await refused({ iat: 'now' }, /iat/);
  await refused({ iat: String(nowS()) }, /iat/);
});
