import { postGraphQL } from '../support/gatewayProcess';
import { testConfig } from '../support/env';
import { startSecuredApp, type SecuredApp } from '../support/securedApp';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';
import { until } from '../support/wait';

/**
 * `operationsStatus`: what the dashboard's operations view shows of a gateway, read live
 * from what `/readyz` and `/metrics` read. PostgreSQL sits behind a proxy this test can
 * cut, so a failing dependency is seen as it happens (the orders source's breaker opens
 * after one failure here, and stays open for the rest of the file).
 */

const STATUS = `{ operationsStatus {
  ready
  checks { name ok error }
  sources { name breaker batches failures timeouts skippedBatches staleItems }
  queues { name waiting active delayed failed }
  at
} }`;
const QUEUES = ['enrichment', 'segment-refresh', 'webhooks', 'identity', 'clustering'];

interface Status {
  ready: boolean;
  checks: { name: string; ok: boolean; error: string | null }[];
  sources: {
    name: string;
    breaker: string;
    batches: number;
    failures: number;
    timeouts: number;
    skippedBatches: number;
    staleItems: number;
  }[];
  queues: { name: string; waiting: number; active: number; delayed: number; failed: number }[];
  at: string;
}

let s: SecuredApp;
let proxy: TcpProxy;

beforeAll(async () => {
  const pgUrl = new URL(testConfig().postgres.url);
  proxy = await startTcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
  pgUrl.port = String(proxy.port);
  s = await startSecuredApp('opsstatus', {
    POSTGRES_URL: pgUrl.toString(),
    MOSAIC_SOURCE_BREAKER_FAILURES: '1',
    MOSAIC_SOURCE_BREAKER_COOLDOWN_MS: '600000',
  });
}, 60_000);

afterAll(async () => {
  proxy.setMode('forward');
  await s.t.close();
  await proxy.close();
});

const status = async (token: string): Promise<Status> =>
  (await s.ok(token, STATUS)).operationsStatus as Status;
const byName = <T extends { name: string }>(items: T[]) =>
  Object.fromEntries(items.map((i) => [i.name, i]));

async function writeContact(crmId: string, email: string): Promise<void> {
  await s.ok(
    s.keys.writer,
    `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
    {
      i: { crmId, emails: [email] },
    },
  );
}

test('readers, writers and anonymous callers may not see it', async () => {
  for (const role of ['reader', 'writer'] as const) {
    const { body } = await s.as(s.keys[role], STATUS);
    expect({ role, code: body.errors?.[0]?.extensions?.code, data: body.data }).toEqual({
      role,
      code: 'FORBIDDEN',
      data: null,
    });
  }
  const anonymous = await postGraphQL(s.t.url, STATUS);
  expect(anonymous.status).toBe(401);
});

test('dashboards and admins see every dependency ready, the sources closed and the five queues', async () => {
  for (const role of ['dashboard', 'admin'] as const) {
    const before = Date.now();
    const report = await status(s.keys[role]);
    expect(report.ready).toBe(true);
    expect(byName(report.checks)).toEqual({
      mongodb: { name: 'mongodb', ok: true, error: null },
      redis: { name: 'redis', ok: true, error: null },
      postgresql: { name: 'postgresql', ok: true, error: null },
    });
    expect(report.sources.map((x) => [x.name, x.breaker])).toEqual([
      ['crm', 'CLOSED'],
      ['orders', 'CLOSED'],
      ['events', 'CLOSED'],
    ]);
    for (const source of report.sources)
      for (const n of Object.values(source).filter((v) => typeof v === 'number'))
        expect(Number.isInteger(n) && n >= 0).toBe(true);
    expect(report.queues.map((q) => q.name)).toEqual(QUEUES);
    for (const { name, ...counts } of report.queues)
      expect({
        name,
        counts: Object.values(counts).every((n) => Number.isInteger(n) && n >= 0),
      }).toEqual({ name, counts: true });
    expect(Date.parse(report.at)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(report.at)).toBeLessThanOrEqual(Date.now() + 1_000);
  }
  // The same checks as /readyz, with the same verdicts.
  const ready = (await (await fetch(`${s.t.url}/readyz`)).json()) as {
    status: string;
    checks: Record<string, { ok: boolean }>;
  };
  expect(ready).toEqual({
    status: 'ready',
    checks: { mongodb: { ok: true }, redis: { ok: true }, postgresql: { ok: true } },
  });
});

test('queue depths are live: a contact written queues its enrichment, and it shows', async () => {
  // No worker consumes this gateway's queues in the test, so the job stays waiting.
  const waiting = async () => byName((await status(s.keys.dashboard)).queues).enrichment!.waiting;
  const before = await waiting();
  await writeContact('ops-1', 'ops.one@example.com');
  const after = await until('the enrichment to be counted', async () => {
    const n = await waiting();
    return n > before ? n : null;
  });
  expect(after).toBe(before + 1);
});

test('a failing dependency shows: PostgreSQL cut, its check fails and the orders breaker opens', async () => {
  // A customer with an order: reading their profile's orders asks the orders source.
  await s.ok(
    s.keys.writer,
    `mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`,
    {
      o: [
        {
          orderId: 'ops-order-1',
          customerId: 'ops-customer-2',
          email: 'ops.two@example.com',
          placedAt: new Date().toISOString(),
          currency: 'USD',
          total: 10,
          items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 10 }],
        },
      ],
    },
  );
  const sourcesBefore = byName((await status(s.keys.admin)).sources);
  proxy.setMode('refuse');
  try {
    // The orders source cannot answer (and nothing is cached): one failure opens it.
    const read = await s.as(
      s.keys.admin,
      `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) {
         id orders(first: 5) { edges { node { orderId } } } } }`,
      { v: 'ops.two@example.com' },
    );
    const profile = (read.body.data as { profileByIdentifier: unknown } | undefined)
      ?.profileByIdentifier;
    expect(profile).toMatchObject({ orders: null });

    const report = await status(s.keys.admin);
    const checks = byName(report.checks);
    expect(checks.postgresql).toMatchObject({ ok: false, error: expect.any(String) as string });
    expect(checks.mongodb?.ok).toBe(true);
    expect(checks.redis?.ok).toBe(true);
    // PostgreSQL degrades the gateway without making it unready, as /readyz says.
    expect(report.ready).toBe(true);
    const readyz = await fetch(`${s.t.url}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toMatchObject({
      status: 'degraded',
      checks: { postgresql: { ok: false } },
    });

    const sources = byName(report.sources);
    expect(sources.orders?.breaker).toBe('OPEN');
    expect(sources.orders!.batches).toBe(sourcesBefore.orders!.batches + 1);
    expect(sources.orders!.failures).toBe(sourcesBefore.orders!.failures + 1);
    expect(sources.orders!.staleItems).toBeGreaterThan(sourcesBefore.orders!.staleItems);
    expect(sources.crm?.breaker).toBe('CLOSED');
    expect(sources.events?.breaker).toBe('CLOSED');
  } finally {
    proxy.setMode('forward');
  }
  const back = await until('PostgreSQL to answer again', async () => {
    const report = await status(s.keys.admin);
    return byName(report.checks).postgresql?.ok ? report : null;
  });
  expect(back.ready).toBe(true);
});
