import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { queryGraphQL } from '../support/gatewayProcess';
import { firstMessage } from '../support/subscriptions';

/**
 * A merge made by a worker (retraining's rematch, later matching, an accepted review) is
 * announced like a gateway's: a dashboard subscribed to the surviving profile on a gateway
 * hears of it. The worker once built its identity graph with a listener that only queued
 * enrichment, so such merges never reached `profileUpdated`.
 */

let t: TestApp;
let worker: WorkerApp;
let client: Client;
beforeAll(async () => {
  t = await startTestApp('worker-merges', { MOSAIC_MATCHING: 'off' });
  worker = await createWorkerApp(testConfig({ POSTGRES_SCHEMA: t.pgSchema }), silentLogger, {
    database: t.database,
  });
  client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
}, 60_000);
afterAll(async () => {
  await client.dispose();
  await worker.close();
  await t.close();
});

test("a worker's merge reaches profileUpdated subscribers on a gateway", async () => {
  const upsert = async (crmId: string, email: string) =>
    (
      await queryGraphQL<{ upsertCrmContact: { id: string } }>(
        t.url,
        `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
        { i: { crmId, emails: [email] } },
      )
    ).upsertCrmContact.id;
  const a = await upsert('wm-1', 'wm1@example.com');
  const b = await upsert('wm-2', 'wm2@example.com');
  const [survivor, merged] = a < b ? [a, b] : [b, a];

  type Update = { profileUpdated: { id: string; identifiers: { value: string }[] } };
  const heard = firstMessage<Update>(
    client,
    `subscription($id: ID!) { profileUpdated(id: $id) { id identifiers { value } } }`,
    { id: survivor },
    15_000,
  );
  await new Promise((r) => setTimeout(r, 300)); // the subscription is registered
  const outcome = await worker.graph.merge({
    a: survivor,
    b: merged,
    reason: 'MANUAL',
    linkedBy: null,
    recordId: null,
    explanation: 'Merged by a worker in a test.',
  });
  await worker.graph.materialise([outcome.root, survivor, merged]);

  const update = await heard;
  expect(update.profileUpdated.id).toBe(survivor);
  expect(update.profileUpdated.identifiers.map((i) => i.value)).toEqual(
    expect.arrayContaining(['wm1@example.com', 'wm2@example.com']),
  );
});
