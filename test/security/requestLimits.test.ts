import WebSocket from 'ws';
import { startSecuredApp, type SecuredApp } from '../support/securedApp';

/**
 * What one request may cost before it runs: tokens per document, operations and aliases per
 * document, and authentication guesses per client address. Each bound is seen refusing,
 * with a code and a message a person can act on.
 */

let s: SecuredApp;
beforeAll(async () => {
  s = await startSecuredApp('request-limits', {
    MOSAIC_INTROSPECTION: 'off',
    MOSAIC_AUTH_FAILURES_PER_MINUTE: '5',
    MOSAIC_RATE_LIMIT_PER_MINUTE: '0',
  });
}, 60_000);
afterAll(() => s.t.close());

const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);

test('a megabyte of tiny operations stops at the token limit; /healthz stays responsive', async () => {
  // The reported document: 38k operations in one megabyte, six at once, with a reader key.
  const document = Array.from({ length: 38_000 }, (_, i) => `query q${i}{__typename}`).join('');
  expect(document.length).toBeGreaterThan(900_000);
  let worstHealth = 0;
  let running = true;
  const probe = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${s.t.url}/healthz`);
      worstHealth = Math.max(worstHealth, performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: 6 }, () => s.as(s.keys.reader, document, {})),
  );
  const elapsed = performance.now() - started;
  running = false;
  await probe;
  for (const { status, body } of answers) {
    expect(status).toBe(400);
    expect(codes(body)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(body.errors![0]!.message).toMatch(/10000 tokens/);
  }
  // Before the limit: 12 s for the six, /healthz stalled up to 2.2 s.
  expect(elapsed).toBeLessThan(5_000);
  expect(worstHealth).toBeLessThan(1_500);
});

test('operations and aliases per document are bounded', async () => {
  const many = Array.from({ length: 21 }, (_, i) => `query q${i} { __typename }`).join(' ');
  const ops = await s.as(s.keys.reader, many, {});
  expect(codes(ops.body)).toContain('QUERY_TOO_COSTLY');
  expect(JSON.stringify(ops.body)).toMatch(/more than 20 operations/);

  const aliases = Array.from({ length: 201 }, (_, i) => `a${i}: __typename`).join(' ');
  const aliased = await s.as(s.keys.reader, `{ ${aliases} }`, {});
  expect(codes(aliased.body)).toContain('QUERY_TOO_COSTLY');
  expect(JSON.stringify(aliased.body)).toMatch(/more than 200 aliases/);

  // At the limits, a document still runs.
  const fine = await s.as(
    s.keys.reader,
    `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
    {},
  );
  expect(fine.status).toBe(200);
  expect(fine.body.errors).toBeUndefined();
});

test('with introspection off, validation errors suggest no field names', async () => {
  const { status, body } = await s.as(s.keys.reader, `{ profil(id: "x") { id } }`, {});
  expect(status).toBe(400);
  expect(codes(body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  expect(body.errors![0]!.message).toMatch(/Cannot query field "profil"/);
  expect(body.errors![0]!.message).not.toMatch(/Did you mean|profileByIdentifier/);
  // Nor do errors in variables (enum values, input fields).
  const variable = await s.as(
    s.keys.reader,
    `query($k: IdentifierKind!) { profileByIdentifier(kind: $k, value: "x") { id } }`,
    { k: 'EMAL' },
  );
  expect(codes(variable.body)).toEqual(['BAD_USER_INPUT']);
  expect(variable.body.errors![0]!.message).toMatch(/"EMAL"/);
  expect(variable.body.errors![0]!.message).not.toMatch(/Did you mean|EMAIL/);
});

test('failed authentications are limited per address; verified credentials still work', async () => {
  const query = `{ segments { id } }`;
  // A key verified before the attack is cached: it keeps working throughout.
  expect((await s.as(s.keys.reader, query, {})).status).toBe(200);
  const guess = (i: number) => `mk_guess${i}_${'x'.repeat(43)}`;
  for (let i = 0; i < 5; i++) {
    const { status, body } = await s.as(guess(i), query, {});
    expect({ status, codes: codes(body) }).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
  }
  const res = await fetch(`${s.t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${guess(5)}` },
    body: JSON.stringify({ query }),
  });
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = (await res.json()) as {
    errors: { message: string; extensions: { code: string } }[];
  };
  expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
  expect(body.errors[0]!.message).toMatch(/failed authentications/);
  // No look-up is spent on further guesses, but known credentials are not locked out.
  expect((await s.as(s.keys.reader, query, {})).status).toBe(200);
  expect((await s.as(s.keys.admin, query, {})).status).toBe(200);
  // Over graphql-ws, a guess is closed with 4429, which clients retry later (4403 is final).
  const ws = new WebSocket(`${s.t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('open', () =>
    ws.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${guess(6)}` },
      }),
    ),
  );
  expect(await closed).toBe(4429);
});
