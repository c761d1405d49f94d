import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { sampleValue, scrapeMetrics, type Sample } from '../support/prometheus';
import { startSecuredApp, type SecuredApp } from '../support/securedApp';

/**
 * `/metrics` in the Prometheus text format, for a scraper with MOSAIC_METRICS_KEY: HTTP
 * traffic by route, GraphQL latency by operation, errors by code, open subscriptions.
 */

const METRICS_KEY = 'test-metrics-key-0123456789';
let s: SecuredApp;
let client: Client;
beforeAll(async () => {
  s = await startSecuredApp('metrics', { MOSAIC_METRICS_KEY: METRICS_KEY });
}, 60_000);
afterAll(async () => {
  await client?.dispose();
  await s.t.close();
});

const scrape = () => scrapeMetrics(`${s.t.url}/metrics`, METRICS_KEY);
const value = sampleValue;

test('/metrics needs its key', async () => {
  expect((await fetch(`${s.t.url}/metrics`)).status).toBe(401);
  const wrong = await fetch(`${s.t.url}/metrics`, {
    headers: { authorization: `Bearer ${s.keys.admin}` },
  });
  expect(wrong.status).toBe(401);
});

test('requests, operation latency, errors by code and open subscriptions are counted', async () => {
  const before = await scrape();
  await s.ok(s.keys.reader, `query SegmentList { segments { id } }`);
  await s.ok(s.keys.reader, `query SegmentList { segments { id } }`);
  const refused = await s.as(s.keys.writer, `query { segments { id } }`);
  expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  client = createClient({
    url: `${s.t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${s.keys.reader}` },
  });
  const stop = client.subscribe(
    { query: `subscription { profileUpdated(id: "p-metrics") { id } }` },
    { next: () => undefined, error: () => undefined, complete: () => undefined },
  );
  let after: Sample[] = [];
  for (let i = 0; i < 50; i++) {
    after = await scrape();
    if (value(after, 'mosaic_graphql_subscriptions_active') === 1) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(value(after, 'mosaic_graphql_subscriptions_active')).toBe(1);
  expect(value(after, 'mosaic_graphql_ws_connections')).toBe(1);

  const grew = (name: string, labels: Record<string, string>) =>
    value(after, name, labels) - value(before, name, labels);
  expect(
    grew('mosaic_http_requests_total', { route: '/graphql', status: '200' }),
  ).toBeGreaterThanOrEqual(3);
  expect(
    grew('mosaic_graphql_operation_duration_seconds_count', {
      operation: 'SegmentList',
      type: 'query',
    }),
  ).toBe(2);
  expect(grew('mosaic_graphql_errors_total', { code: 'FORBIDDEN' })).toBe(1);
  // A histogram's buckets and sum, and the process's own metrics, are there too.
  expect(after.some((x) => x.name === 'mosaic_http_request_duration_seconds_bucket')).toBe(true);
  expect(value(after, 'mosaic_process_resident_memory_bytes')).toBeGreaterThan(0);
  // No label holds anything a client sent but operation names.
  expect(JSON.stringify(after)).not.toContain('p-metrics');

  stop();
  for (let i = 0; i < 50 && value(await scrape(), 'mosaic_graphql_subscriptions_active') > 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(value(await scrape(), 'mosaic_graphql_subscriptions_active')).toBe(0);
});

test("the sources' batches and breaker states, and the queues' depths, are read at scrape time", async () => {
  await s.ok(
    s.keys.admin,
    `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
    { i: { crmId: 'metrics-1', emails: ['metrics@example.com'] } },
  );
  await s.ok(
    s.keys.reader,
    `query { profileByIdentifier(kind: CRM_ID, value: "metrics-1") {
       crmRecords { crmId } orders(first: 5) { edges { node { orderId } } } } }`,
  );
  const after = await scrape();
  expect(value(after, 'mosaic_source_batches_total', { source: 'crm' })).toBeGreaterThan(0);
  // A profile without customer ids asks nothing of orders; its breaker is listed all the same.
  expect(value(after, 'mosaic_source_failures_total', { source: 'orders' })).toBe(0);
  expect(value(after, 'mosaic_source_breaker_state', { source: 'orders', state: 'closed' })).toBe(
    1,
  );
  expect(value(after, 'mosaic_source_breaker_state', { source: 'orders', state: 'open' })).toBe(0);
  const queues = new Set(
    after.filter((x) => x.name === 'mosaic_queue_jobs').map((x) => x.labels.queue),
  );
  expect(queues).toEqual(
    new Set(['enrichment', 'segment-refresh', 'webhooks', 'identity', 'clustering']),
  );
});

test('identity merges by reason and matching decisions by outcome are counted where they happen', async () => {
  const before = await scrape();
  const contact = (i: Record<string, unknown>) =>
    s.ok(s.keys.admin, `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
      i,
    });
  // Two profiles, then a contact holding an identifier of each: they are one person.
  await contact({ crmId: 'merge-a', emails: ['merge.a@example.com'], firstName: 'Ada' });
  await contact({ crmId: 'merge-b', phones: ['+44 20 7946 0321'], firstName: 'Ada' });
  await contact({
    crmId: 'merge-c',
    emails: ['merge.a@example.com'],
    phones: ['+44 20 7946 0321'],
    firstName: 'Ada',
  });
  const after = await scrape();
  const grew = (name: string, labels: Record<string, string>) =>
    value(after, name, labels) - value(before, name, labels);
  expect(grew('mosaic_identity_merges_total', { reason: 'shared_identifier' })).toBeGreaterThan(0);
  const decisions = after
    .filter((x) => x.name === 'mosaic_matching_decisions_total')
    .reduce((n, x) => n + x.value, 0);
  const decisionsBefore = before
    .filter((x) => x.name === 'mosaic_matching_decisions_total')
    .reduce((n, x) => n + x.value, 0);
  expect(decisions - decisionsBefore).toBe(3); // one per contact, whatever its outcome
  expect(JSON.stringify(after)).not.toContain('merge.a');
});
