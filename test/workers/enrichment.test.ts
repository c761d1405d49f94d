import type { Job } from 'bullmq';
import type { SegmentSubjectDoc } from '../../src/store/models';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { postGraphQL } from '../support/gatewayProcess';
import { until } from '../support/wait';

/**
 * The gateway queues enrichment when a profile's data changes (for events: the resolution
 * pipeline, once it has applied them); a worker (in-process here, `npm run worker` in
 * production) computes its traits from the store, PostgreSQL and its events. A burst of
 * events for one profile is a handful of jobs, not one per event, and an import's jobs
 * wait behind live ones.
 */

let t: TestApp;
let worker: WorkerApp;

beforeAll(async () => {
  t = await startTestApp('enrich');
  worker = await createWorkerApp(testConfig({ POSTGRES_SCHEMA: t.pgSchema }), silentLogger, {
    database: t.database,
  });
}, 60_000);

afterAll(async () => {
  await worker.close();
  await t.close();
});

const gql = async (query: string, variables: Record<string, unknown>) => {
  const { body } = await postGraphQL(t.url, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data!;
};

const idle = () =>
  until('the enrichment queue to drain', async () => {
    const counts = await worker.queues.enrichment.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
    );
    return Object.values(counts).every((n) => n === 0);
  });

test('orders, events and identifiers become computed traits on the profile’s segment subject', async () => {
  const created = (await gql(
    `mutation($c: CrmContactInput!) { upsertCrmContact(input: $c) { id } }`,
    { c: { crmId: 'en-1', emails: ['someone@gmail.com'], phones: ['+44 20 7946 0958'] } },
  )) as { upsertCrmContact: { id: string } };
  const profileId = created.upsertCrmContact.id;
  const recent = new Date(Date.now() - 3 * 86_400_000).toISOString();
  await gql(`mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`, {
    o: [
      {
        orderId: 'en-o1',
        customerId: 'en-c1',
        email: 'someone@gmail.com',
        placedAt: recent,
        currency: 'USD',
        total: 30,
      },
      {
        orderId: 'en-o2',
        customerId: 'en-c1',
        email: 'someone@gmail.com',
        placedAt: recent,
        currency: 'USD',
        total: 50,
      },
    ],
  });
  // Answered once applied, so their enrichment job is queued by the time `idle` looks.
  const tracked = (await gql(
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted pending } }`,
    {
      e: [
        {
          type: 'IDENTIFY',
          userId: 'en-u1',
          traits: { email: 'someone@gmail.com' },
          messageId: 'en-e0',
        },
        { type: 'TRACK', userId: 'en-u1', event: 'Product Viewed', messageId: 'en-e1' },
        { type: 'PAGE', userId: 'en-u1', name: 'Pricing', messageId: 'en-e2' },
      ],
    },
  )) as { trackEvents: { accepted: number; pending: number } };
  expect(tracked.trackEvents).toEqual({ accepted: 3, pending: 0 });
  await idle();
  const subject = await until('computed traits', async () => {
    const doc = await t.app.db
      .collection<SegmentSubjectDoc>('segment_subjects')
      .findOne({ _id: profileId });
    return doc?.computed?.orderCount === 2 ? doc : null;
  });
  expect(subject.computed).toMatchObject({
    orderCount: 2,
    lifetimeValue: 80,
    averageOrderValue: 40,
    daysSinceLastOrder: 3,
    emailDomainKind: 'free',
    phoneCountry: 'GB',
  });
  expect(subject.computed.engagementScore).toBeGreaterThan(0);
  expect(subject.traits).toMatchObject({ emails: ['someone@gmail.com'] });
});

test('a burst of 100 events for one profile costs a few recomputations, not 100', async () => {
  await idle();
  const before = worker.enrichment.processed;
  // 100 requests of one event each, as 100 page views would arrive: each asks for the
  // profile to be enriched (without deduplication that is 100 jobs).
  await Promise.all(
    Array.from({ length: 100 }, (_, r) =>
      gql(`mutation($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }`, {
        e: [{ type: 'TRACK', userId: 'en-u1', event: 'Clicked', messageId: `burst-${r}` }],
      }),
    ),
  );
  // The requests are answered once accepted; their jobs are queued as the pipeline applies them.
  await t.drained();
  await idle();
  const jobs = worker.enrichment.processed - before;
  expect(jobs).toBeGreaterThanOrEqual(1);
  // How many depends on how the burst is cut into pipeline batches: each batch asks once per
  // profile, and one job runs while one more waits per profile. The pipeline applies what
  // has landed in one batch, so usually one or a few; at worst, a batch per request as the
  // requests trickle in over about 3 s, with jobs of about 100 ms, about 30 of them.
  expect(jobs).toBeLessThanOrEqual(40);
});

test('a job for a profile merged away removes its subject and enriches the survivor', async () => {
  const a = (await gql(
    `mutation { upsertCrmContact(input: { crmId: "en-a", emails: ["a@acme-corp.com"] }) { id } }`,
    {},
  )) as { upsertCrmContact: { id: string } };
  const b = (await gql(
    `mutation { upsertCrmContact(input: { crmId: "en-b", emails: ["b@acme-corp.com"] }) { id } }`,
    {},
  )) as { upsertCrmContact: { id: string } };
  await idle();
  const subjects = t.app.db.collection('segment_subjects');
  expect(
    await subjects.countDocuments({
      _id: { $in: [a.upsertCrmContact.id, b.upsertCrmContact.id] } as never,
    }),
  ).toBe(2);
  // A contact with both emails merges the younger profile into the older.
  await gql(
    `mutation { upsertCrmContact(input: { crmId: "en-ab", emails: ["a@acme-corp.com", "b@acme-corp.com"] }) { id } }`,
    {},
  );
  await idle();
  expect(await subjects.findOne({ _id: b.upsertCrmContact.id as never })).toBeNull();
  const survivor = await subjects.findOne({ _id: a.upsertCrmContact.id as never });
  expect(survivor?.computed).toMatchObject({ emailDomainKind: 'company' });
  expect(survivor?.traits).toMatchObject({
    emails: expect.arrayContaining(['a@acme-corp.com', 'b@acme-corp.com']) as unknown,
  });
});

test("an import's enrichment waits behind a visitor's: bulk jobs carry a priority, live ones none", async () => {
  const track = async (events: Record<string, unknown>[]) => {
    const { trackEvents } = (await gql(
      `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) {
        accepted pending outcomes { profileId } } }`,
      { e: events },
    )) as { trackEvents: { accepted: number; pending: number; outcomes: { profileId: string }[] } };
    expect(trackEvents).toMatchObject({ accepted: events.length, pending: 0 });
    return trackEvents.outcomes[0]!.profileId;
  };
  // Both people are known first: a new profile's identifiers change its view, which is
  // enriched in the live lane whatever the request. Here only their events are new.
  const imported = await track([
    { type: 'IDENTIFY', userId: 'en-importer', traits: { plan: 'pro' }, messageId: 'en-imp-0' },
  ]);
  const visitor = await track([
    { type: 'IDENTIFY', userId: 'en-visitor', traits: { plan: 'free' }, messageId: 'en-vis-0' },
  ]);
  expect(visitor).not.toBe(imported);
  await idle();

  const queue = worker.queues.enrichment;
  const processed: string[] = [];
  const original = worker.enrichment.process.bind(worker.enrichment);
  worker.enrichment.process = (profileId, reason) => {
    processed.push(profileId);
    return original(profileId, reason);
  };
  // Nothing runs until both are queued: then the order is the queue's, not the arrival's.
  await queue.pause();
  try {
    // More than MOSAIC_INGEST_LIVE_MAX_EVENTS (20) events in one request is an import…
    expect(
      await track(
        Array.from({ length: 25 }, (_, i) => ({
          type: 'TRACK',
          userId: 'en-importer',
          event: 'Imported',
          messageId: `en-imp-${i + 1}`,
        })),
      ),
    ).toBe(imported);
    // …and a visitor's single event, sent after it, is live.
    expect(
      await track([{ type: 'PAGE', userId: 'en-visitor', name: 'Home', messageId: 'en-vis-1' }]),
    ).toBe(visitor);

    const queued = (await queue.getJobs(['waiting', 'prioritized'])) as Job[];
    const prioritiesOf = (profileId: string) =>
      queued
        .filter((j) => (j.data as { profileId: string }).profileId === profileId)
        .map((j) => j.opts.priority ?? 0);
    expect(prioritiesOf(imported)).toHaveLength(1);
    expect(prioritiesOf(imported)[0]).toBeGreaterThan(0);
    expect(prioritiesOf(visitor)).toEqual([0]);

    await queue.resume();
    await idle();
    // The visitor's profile is enriched first, though its event came after the import.
    expect(processed).toEqual([visitor, imported]);
  } finally {
    await queue.resume();
    worker.enrichment.process = original;
  }
});
