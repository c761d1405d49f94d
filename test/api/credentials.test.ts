import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { parseAuthorization } from '../../src/auth/credentials';
import { startTestApp, type TestApp } from '../support/app';

/**
 * Credentials are read the same way from HTTP and from graphql-ws connection parameters,
 * and a malformed one is refused at the door (what a token allows comes with security).
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('credentials');
});
afterAll(() => t.close());

test('bearer tokens are parsed; anything else presented is malformed', () => {
  expect(parseAuthorization(undefined)).toEqual({ bearer: null });
  expect(parseAuthorization('Bearer abc.def')).toEqual({ bearer: 'abc.def' });
  expect(parseAuthorization('bearer   xyz ')).toEqual({ bearer: 'xyz' });
  expect(parseAuthorization('Basic dXNlcjpwYXNz')).toBeNull();
  expect(parseAuthorization('Bearer a b')).toBeNull();
  expect(parseAuthorization({ token: 'x' })).toBeNull();
});

test('HTTP requests with a malformed Authorization header get 401', async () => {
  const res = await fetch(`${t.url}/graphql?query=%7B__typename%7D`, {
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
  });
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  const ok = await fetch(`${t.url}/graphql?query=%7B__typename%7D`, {
    headers: { authorization: 'Bearer some-token' },
  });
  expect(ok.status).toBe(200);
});

async function connect(
  connectionParams: Record<string, unknown>,
): Promise<'connected' | 'refused'> {
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams,
  });
  try {
    return await new Promise((resolve) => {
      client.on('connected', () => resolve('connected'));
      client.on('closed', () => resolve('refused'));
    });
  } finally {
    await client.dispose();
  }
}

test('graphql-ws connections present credentials as the authorization parameter', async () => {
  expect(await connect({})).toBe('connected');
  expect(await connect({ authorization: 'Bearer some-token' })).toBe('connected');
  expect(await connect({ authorization: 'some-token' })).toBe('refused');
});
