import { request } from 'node:http';
import { MongoClient } from 'mongodb';
import { postGraphQL, startGatewayProcess } from '../support/gatewayProcess';
import { testConfig, uniqueDatabaseName } from '../support/env';
import { startTestApp } from '../support/app';
import { dropRedisKeys } from '../support/redis';

describe('graceful shutdown', () => {
  it('finishes a request already in flight and stores all of it before closing', async () => {
    // A generous drain timeout: under a loaded CI machine the batch may take a while,
    // and this test is about draining, not about the timeout.
    const t = await startTestApp('shutdown', { MOSAIC_SHUTDOWN_TIMEOUT_MS: '60000' });
    const count = 60;
    const events = Array.from({ length: count }, (_, i) => ({
      type: 'TRACK',
      event: 'Clicked',
      anonymousId: `shutdown-${i % 10}`,
      messageId: `shutdown-${i}`,
    }));
    // wait: true holds the request open until its events are applied to profiles (the
    // `events` collection below), so it is still in flight when they start to appear.
    const inFlight = postGraphQL<{ trackEvents: { accepted: number } }>(
      t.url,
      'mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted } }',
      { e: events },
    );
    // Stop only once the server is visibly working on the request (its first event is
    // stored), so the request is certainly in flight, however slow the machine.
    const stored = t.app.db.collection('events');
    for (let i = 0; i < 200 && (await stored.countDocuments({})) === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await stored.countDocuments({})).toBeGreaterThan(0);
    const stopped = t.app.gateway.stop();
    const response = await inFlight;
    await stopped;
    expect(response.status).toBe(200);
    expect(response.body.data?.trackEvents.accepted).toBe(count);
    expect(await stored.countDocuments({})).toBe(count);
    // New connections are refused once stopped.
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    await t.close();
  }, 120_000);
});

describe('while draining', () => {
  it('answers /readyz with 503 and refuses new work with 503, while an accepted request finishes', async () => {
    const t = await startTestApp('draining', { MOSAIC_SHUTDOWN_TIMEOUT_MS: '60000' });
    // A request held in flight: its headers sent, its body not yet.
    const body = JSON.stringify({
      query: 'mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }',
      variables: { i: { crmId: 'drain-1', emails: ['drain@example.com'] } },
    });
    const { port } = new URL(t.url);
    const held = request({
      host: '127.0.0.1',
      port,
      path: '/graphql',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      held.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      held.on('error', reject);
    });
    // The server has it once it has parsed its headers: then it counts as in flight (a
    // fixed wait here lost the race on a loaded machine, and the stop did not wait for it).
    const arrived = new Promise((r) => t.app.gateway.server.once('request', r));
    held.write(body.slice(0, 10));
    await arrived;
    await new Promise((r) => setImmediate(r));
    const stopped = t.app.gateway.stop();
    await new Promise((r) => setTimeout(r, 100));

    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe('stopping');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const refused = await postGraphQL(t.url, '{ segments { id } }');
    expect(refused.status).toBe(503);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');

    held.end(body.slice(10));
    const { status, text } = await answered;
    expect(status).toBe(200);
    expect(text).toContain('upsertCrmContact');
    await stopped;
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    await t.close();
  }, 120_000);
});

describe('a gateway process', () => {
  it('exits cleanly on SIGTERM as in production, where Apollo would also catch the signal', async () => {
    const database = uniqueDatabaseName('sigterm');
    const uri = new URL(testConfig().mongo.uri);
    uri.pathname = `/${database}`;
    const gateway = await startGatewayProcess({
      NODE_ENV: 'production',
      MONGODB_URI: uri.toString(),
    });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    const started = Date.now();
    const code = await Promise.race([
      gateway.stop(),
      new Promise<string>((resolve) =>
        setTimeout(() => resolve('still running after 15 s'), 15_000),
      ),
    ]);
    if (code !== 0) gateway.process.kill('SIGKILL');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    const client = await MongoClient.connect(uri.toString());
    await client.db(database).dropDatabase();
    await dropRedisKeys(database);
    await client.close();
  }, 60_000);
});
