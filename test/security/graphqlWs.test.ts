import { GraphQLError } from 'graphql';
import WebSocket from 'ws';
import { makeFormatError } from '../../src/graphql/errors';
import { formatWsResult } from '../../src/http/wsOperations';
import { silentLogger } from '../support/env';
import { startSecuredApp, type SecuredApp } from '../support/securedApp';

/**
 * graphql-ws is a second door to the same schema: whatever HTTP refuses or masks, a
 * subscribe message must be refused or masked the same way, with the same codes.
 */

let s: SecuredApp;
const MAX_BODY = 64 * 1024;
beforeAll(async () => {
  s = await startSecuredApp('graphql-ws', {
    MOSAIC_MAX_BODY_BYTES: String(MAX_BODY),
    MOSAIC_INTROSPECTION: 'off',
  });
}, 60_000);
afterAll(() => s.t.close());

type Message = { type: string; id?: string; payload?: unknown };

/** A raw graphql-transport-ws connection, acknowledged, so every frame can be seen. */
async function connect(token: string): Promise<{
  ws: WebSocket;
  next: () => Promise<Message | { type: 'closed'; code: number; reason: string }>;
}> {
  const ws = new WebSocket(`${s.t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const queue: (Message | { type: 'closed'; code: number; reason: string })[] = [];
  let wake: (() => void) | null = null;
  const push = (m: (typeof queue)[number]) => {
    queue.push(m);
    wake?.();
  };
  ws.on('message', (data: Buffer) => push(JSON.parse(data.toString('utf8')) as Message));
  ws.on('close', (code, reason) => push({ type: 'closed', code, reason: reason.toString() }));
  ws.on('error', () => undefined);
  const next = async () => {
    const deadline = Date.now() + 10_000;
    while (queue.length === 0) {
      if (Date.now() > deadline) throw new Error('no message within 10 s');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return queue.shift()!;
  };
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.send(
    JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
  );
  expect((await next()).type).toBe('connection_ack');
  return { ws, next };
}

/** Sends one subscribe message and returns the errors it ends with. */
async function errorsOf(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ message: string; extensions?: Record<string, unknown> }[]> {
  const { ws, next } = await connect(token);
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  const answer = await next();
  ws.close();
  if (answer.type === 'error') return answer.payload as never;
  if (answer.type === 'next') return (answer.payload as { errors?: never[] }).errors ?? [];
  throw new Error(`expected errors, got ${JSON.stringify(answer)}`);
}

test('errors over graphql-ws carry the same codes as over HTTP', async () => {
  // A role the field does not allow: FORBIDDEN, from the @auth check at subscribe time.
  const forbidden = await errorsOf(
    s.keys.writer,
    `subscription { profileUpdated(id: "p-1") { id } }`,
  );
  expect(forbidden.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  expect(forbidden[0]!.message).toMatch(/needs the role/);
  // Bad input: a lone surrogate in a variable, named.
  const bad = await errorsOf(
    s.keys.reader,
    `subscription($id: ID!) { profileUpdated(id: $id) { id } }`,
    { id: 'p\uD800' },
  );
  expect(bad.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(bad[0]!.extensions?.field).toBe('variables.id');
  // A document that does not parse, and one that does not validate.
  const syntax = await errorsOf(s.keys.reader, `subscription { profileUpdated(id: "x") { id }`);
  expect(syntax.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
  const invalid = await errorsOf(s.keys.reader, `subscription { profileUpdated(id: "x") { idd } }`);
  expect(invalid.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  // Introspection is off: no "Did you mean" spelling the schema out.
  expect(invalid[0]!.message).not.toMatch(/Did you mean/);
  // A variable of the wrong type, a missing one, an unknown operation name: the client's
  // mistakes, as over HTTP (they were internal errors, and logged as such).
  const SUB = `subscription S($id: ID!) { profileUpdated(id: $id) { id } }`;
  const wrongType = await errorsOf(s.keys.reader, SUB, { id: { nested: true } });
  expect(wrongType.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  const missing = await errorsOf(s.keys.reader, SUB, {});
  expect(missing.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(missing[0]!.message).toMatch(/\$id/);
  const { ws, next } = await connect(s.keys.reader);
  ws.send(
    JSON.stringify({
      id: '1',
      type: 'subscribe',
      payload: { query: SUB, operationName: 'Other', variables: { id: 'x' } },
    }),
  );
  const unknown = (await next()) as Message;
  ws.close();
  expect(unknown.type).toBe('error');
  expect((unknown.payload as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
    'OPERATION_RESOLUTION_FAILURE',
  );
});

test('an internal error reaches a graphql-ws client as "Unexpected error.", without its message', () => {
  const format = makeFormatError(silentLogger);
  const internal = new GraphQLError(
    'Could not resolve record crm:alice@example.com: identifiers kept changing owner',
    { path: ['upsertCrmContact'], originalError: new Error('identifiers kept changing owner') },
  );
  const result = formatWsResult(format, { data: null, errors: [internal] });
  expect(result.errors).toEqual([
    {
      message: 'Unexpected error.',
      path: ['upsertCrmContact'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    },
  ]);
});

test('depth, cost, token and alias limits hold for every graphql-ws message', async () => {
  let selection = 'id';
  for (let i = 0; i < 30; i++)
    selection = `mergedFrom segments { members { edges { node { ${selection} } } } }`;
  const deep = await errorsOf(
    s.keys.reader,
    `subscription { profileUpdated(id: "x") { ${selection} } }`,
  );
  expect(deep.map((e) => e.extensions?.code)).toContain('QUERY_TOO_DEEP');

  const aliases = Array.from({ length: 300 }, (_, i) => `a${i}: id`).join(' ');
  const aliased = await errorsOf(
    s.keys.reader,
    `subscription { profileUpdated(id: "x") { ${aliases} } }`,
  );
  expect(aliased.map((e) => e.extensions?.code)).toContain('QUERY_TOO_COSTLY');

  const tokens = Array.from({ length: 12_000 }, () => 'id').join(' ');
  const long = await errorsOf(
    s.keys.reader,
    `subscription { profileUpdated(id: "x") { ${tokens} } }`,
  );
  expect(long.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
  expect(long[0]!.message).toMatch(/10000 tokens/);
});

test('a graphql-ws message larger than MOSAIC_MAX_BODY_BYTES closes the connection unread', async () => {
  const { ws, next } = await connect(s.keys.reader);
  const padding = 'x'.repeat(MAX_BODY + 1);
  ws.send(
    JSON.stringify({
      id: '1',
      type: 'subscribe',
      payload: { query: `subscription { profileUpdated(id: "x") { id } }`, variables: { padding } },
    }),
  );
  const answer = await next();
  expect(answer).toMatchObject({ type: 'closed', code: 1009 });
  // Just under the limit is still served (refused here for its content, not its size).
  const small = await errorsOf(s.keys.writer, `subscription { profileUpdated(id: "x") { id } }`, {
    padding: 'x'.repeat(MAX_BODY - 1_000),
  });
  expect(small.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
});
