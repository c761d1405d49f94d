import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { eventLogName } from '../../src/ingest/eventBatchWriter';
import { profileLogName } from '../../src/identity/identityGraph';
import type { EventDoc } from '../../src/store/models';
import { startTestApp, type TestApp } from '../support/app';
import { dumpEverything, findAll } from '../support/dataDump';
import { silentLogger, testConfig } from '../support/env';
import { queryGraphQL } from '../support/gatewayProcess';
import { until } from '../support/wait';

/**
 * GDPR erasure and export of one person, against the real store, PostgreSQL and Redis,
 * with a worker running. The person is spread over everything Mosaic keeps: two CRM
 * contacts merged by a shared phone, identify and page events on two devices (kept in
 * bronze too, as accepted), an order, a segment membership, cached source answers, the
 * matching index, and an unmerge that split someone else out of their profile. After `erasePerson`, a dump of every
 * collection, table and Redis key of the app holds none of their values — while the two
 * other people's data is all still there.
 */

const SWEEP_DELAY_MS = 2_000;
let t: TestApp;
let worker: WorkerApp;

beforeAll(async () => {
  const env = { MOSAIC_ERASURE_SWEEP_DELAY_MS: String(SWEEP_DELAY_MS) };
  t = await startTestApp('erase', env);
  worker = await createWorkerApp(
    testConfig({ POSTGRES_SCHEMA: t.pgSchema, ...env }),
    silentLogger,
    {
      database: t.database,
    },
  );
}, 60_000);

afterAll(async () => {
  await worker.close();
  await t.close();
});

const gql = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) =>
  queryGraphQL<T>(t.url, query, variables);

/** Every form in which Zenobia's personal data was sent or stored. */
const ZENOBIA = [
  'Zenobia',
  'Quillfeather',
  'zenobia.quill@example.org',
  'zq.work@quill.example',
  '+14155550199',
  '(415) 555-0199',
  '415-555-0199',
  '912-45-6789',
  'zq-user-77',
  'anon-zq-1',
  'anon-zq-2',
  'zq-cust-9',
  '1 Featherstone Lane',
];

const CONTACT = `mutation($input: CrmContactInput!) { upsertCrmContact(input: $input) { id } }`;
// Answered once applied: the identify call below must find the device's profile.
const TRACK = `mutation($events: [EventInput!]!) {
  trackEvents(events: $events, wait: true) { accepted pending } }`;
const ORDERS = `mutation($orders: [OrderInput!]!) { recordOrders(orders: $orders) { written } }`;
const PROFILE = `query($kind: IdentifierKind!, $value: String!) {
  profileByIdentifier(kind: $kind, value: $value) {
    id mergedFrom traits identifiers { kind value }
    crmRecords { crmId traits raw }
    orders(first: 10) { edges { node { orderId customerId total } } }
    recentEvents(first: 10) { id traits properties }
    mergeLog { action explanation linkedBy { kind value } }
  }
}`;

interface ProfileAnswer {
  profileByIdentifier: {
    id: string;
    mergedFrom: string[];
    traits: Record<string, unknown>;
    identifiers: { kind: string; value: string }[];
    crmRecords: { crmId: string }[];
    orders: { edges: { node: { orderId: string } }[] };
    recentEvents: { id: string }[];
    mergeLog: { action: string; explanation: string }[];
  } | null;
}

const byEmail = (value: string) => gql<ProfileAnswer>(PROFILE, { kind: 'EMAIL', value });

/** Tracks events and checks every one of them was applied before the answer. */
const track = async (variables: { events: Record<string, unknown>[] }) => {
  const { trackEvents } = await gql<{ trackEvents: { accepted: number; pending: number } }>(
    TRACK,
    variables,
  );
  expect(trackEvents).toEqual({ accepted: variables.events.length, pending: 0 });
};

const idle = () =>
  until('the job queues to drain', async () => {
    const counts = await Promise.all(
      [worker.queues.enrichment, worker.queues.identity].map((q) =>
        q.getJobCounts('waiting', 'active', 'prioritized'),
      ),
    );
    return counts.every((c) => Object.values(c).every((n) => n === 0));
  });

let zenobiaId: string;
let zenobiaProfiles: string[];
let erasureId: string;

describe('a person spread over every store', () => {
  beforeAll(async () => {
    await gql(
      `mutation { defineSegment(name: "Pro plan", rule: {trait: "plan", op: "eq", value: "pro"}) { id } }`,
    );
    await gql(CONTACT, {
      input: {
        crmId: 'zq-crm-1',
        firstName: 'Zenobia',
        lastName: 'Quillfeather',
        emails: ['Zenobia.Quill@Example.org'],
        phones: ['(415) 555-0199'],
        birthDate: '1984-02-29',
        address: { line1: '1 Featherstone Lane', city: 'Oakland', postalCode: '94601' },
        attributes: { plan: 'pro', nationalId: '912-45-6789' },
      },
    });
    // A second CRM's copy: shares the phone, so it merges into the first.
    await gql(CONTACT, {
      input: {
        crmId: 'zq-crm-2',
        lastName: 'Quillfeather',
        emails: ['zq.work@quill.example'],
        phones: ['415-555-0199'],
      },
    });
    // A visitor on another device first (a profile of its own), then identified: the
    // identify call links the device to her email, which merges the two profiles.
    await track({
      events: [
        {
          type: 'PAGE',
          messageId: 'zq-m0',
          anonymousId: 'anon-zq-2',
          name: 'Pricing',
          properties: { note: 'call Zenobia on +14155550199' },
          timestamp: '2026-11-01T09:55:00Z',
        },
      ],
    });
    await track({
      events: [
        {
          type: 'IDENTIFY',
          messageId: 'zq-m1',
          userId: 'zq-user-77',
          anonymousId: 'anon-zq-2',
          traits: { email: 'zenobia.quill@example.org', firstName: 'Zenobia', plan: 'pro' },
          timestamp: '2026-11-01T10:00:00Z',
        },
        {
          type: 'PAGE',
          messageId: 'zq-m2',
          anonymousId: 'anon-zq-1',
          userId: 'zq-user-77',
          name: 'Checkout',
          timestamp: '2026-11-01T10:05:00Z',
        },
      ],
    });
    await gql(ORDERS, {
      orders: [
        {
          orderId: 'zq-order-1',
          customerId: 'zq-cust-9',
          email: 'zenobia.quill@example.org',
          placedAt: '2026-11-02T12:00:00Z',
          currency: 'USD',
          total: 120.5,
          items: [{ sku: 'quill-pen', quantity: 2, unitPrice: 60.25 }],
        },
      ],
    });
    // Two other people: Bob stays apart; Carol is merged with Zenobia by mistake, then
    // split back out, so an unmerge document mentions both.
    await gql(CONTACT, {
      input: {
        crmId: 'bob-1',
        firstName: 'Bob',
        lastName: 'Builder',
        emails: ['bob@example.com'],
        attributes: { plan: 'pro' },
      },
    });
    await gql(ORDERS, {
      orders: [
        {
          orderId: 'bob-order-1',
          customerId: 'bob-cust-1',
          email: 'bob@example.com',
          placedAt: '2026-11-03T12:00:00Z',
          currency: 'USD',
          total: 30,
        },
      ],
    });
    const carol = await gql<{ upsertCrmContact: { id: string } }>(CONTACT, {
      input: {
        crmId: 'carol-1',
        firstName: 'Carol',
        lastName: 'Danvers',
        emails: ['carol@example.net'],
      },
    });
    const zenobia = (await byEmail('zenobia.quill@example.org')).profileByIdentifier!;
    await gql(
      `mutation($a: ID!, $b: ID!, $note: String) {
        mergeProfiles(profileId: $a, otherProfileId: $b, note: $note) { id } }`,
      {
        a: zenobia.id,
        b: carol.upsertCrmContact.id,
        note: 'Zenobia Quillfeather is Carol (ticket 12)',
      },
    );
    await gql(
      `mutation($p: ID!) { unmergeProfile(profileId: $p, recordIds: ["crm:carol-1"]) { unmergeId } }`,
      { p: zenobia.id },
    );
    await idle();
    // Reads cache each source's answer in Redis (the stale cache).
    for (const email of ['zenobia.quill@example.org', 'bob@example.com', 'carol@example.net'])
      await byEmail(email);
    const read = (await byEmail('zenobia.quill@example.org')).profileByIdentifier!;
    zenobiaId = read.id;
    zenobiaProfiles = [read.id, ...read.mergedFrom];
  }, 120_000);

  it('starts out everywhere: profile, sources, segments, matching index, caches', async () => {
    const zenobia = (await byEmail('zenobia.quill@example.org')).profileByIdentifier!;
    expect(zenobia.mergedFrom.length).toBeGreaterThanOrEqual(1);
    expect(zenobia.crmRecords.map((r) => r.crmId).sort()).toEqual(['zq-crm-1', 'zq-crm-2']);
    expect(zenobia.orders.edges.map((e) => e.node.orderId)).toEqual(['zq-order-1']);
    expect(zenobia.recentEvents).toHaveLength(3);
    const found = findAll(await dumpEverything(t), ZENOBIA);
    // The test would prove nothing if the data were not in these places to begin with.
    for (const where of [
      'mongo:identities',
      'mongo:records',
      'mongo:raw_records',
      'mongo:event_log',
      'mongo:profiles',
      'mongo:segment_subjects',
      'mongo:unmerges',
      'mongo:gold_profiles',
      'pg:match_records',
      'pg:match_block_keys',
      'pg:match_term_counts',
      'pg:orders',
      // Every accepted event, as it arrived (kept after it is applied, for replay).
      'pg:bronze_events',
    ])
      expect(Object.values(found).flat()).toContain(where);
    expect(
      Object.values(found)
        .flat()
        .some((w) => w.startsWith('redis:')),
    ).toBe(true);
  });

  it('exports everything held about the person as one document', async () => {
    const { exportPerson } = await gql<{ exportPerson: Record<string, unknown> }>(
      `query { exportPerson(kind: PHONE, value: "+1 415 555 0199") }`,
    );
    const doc = exportPerson as {
      profile: { id: string; traits: Record<string, unknown> };
      profileIds: string[];
      identities: { kind: string; value: string }[];
      records: { recordId: string; versions: unknown[] }[];
      events: { messageId: string }[];
      orders: { orderId: string; total: number }[];
      segments: string[];
      merges: unknown[];
      unmerges: unknown[];
      matching: { records: unknown[] };
    };
    expect(doc.profile.id).toBe(zenobiaId);
    expect(doc.profileIds.sort()).toEqual([...zenobiaProfiles].sort());
    expect(doc.identities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'EMAIL', value: 'zenobia.quill@example.org' }),
        expect.objectContaining({ kind: 'PHONE', value: '+14155550199' }),
        expect.objectContaining({ kind: 'USER_ID', value: 'zq-user-77' }),
        expect.objectContaining({ kind: 'CUSTOMER_ID', value: 'zq-cust-9' }),
      ]),
    );
    expect(doc.records.map((r) => r.recordId)).toEqual(
      expect.arrayContaining(['crm:zq-crm-1', 'crm:zq-crm-2']),
    );
    expect(doc.records.every((r) => r.versions.length >= 1)).toBe(true);
    expect(doc.events.map((e) => e.messageId).sort()).toEqual(['zq-m0', 'zq-m1', 'zq-m2']);
    expect(doc.orders).toEqual([expect.objectContaining({ orderId: 'zq-order-1', total: 120.5 })]);
    expect(doc.segments).toEqual(['pro-plan']);
    expect(doc.merges.length).toBeGreaterThanOrEqual(1);
    expect(doc.unmerges).toHaveLength(1);
    expect(doc.matching.records.length).toBeGreaterThanOrEqual(2);
    // Nothing about Bob or Carol.
    expect(JSON.stringify(doc)).not.toMatch(/bob@example\.com|carol@example\.net|Builder|Danvers/i);
  });

  it('erases the person from every collection, table, cache and queue', async () => {
    const { erasePerson } = await gql<{
      erasePerson: {
        erasureId: string;
        profileIds: string[];
        counts: { store: string; count: number }[];
        sweepAt: string;
      };
    }>(
      `mutation { erasePerson(kind: EMAIL, value: " Zenobia.Quill@EXAMPLE.org ") {
        erasureId profileIds counts { store count } sweepAt } }`,
    );
    erasureId = erasePerson.erasureId;
    expect(erasePerson.profileIds.sort()).toEqual([...zenobiaProfiles].sort());
    const counts = Object.fromEntries(erasePerson.counts.map((c) => [c.store, c.count]));
    expect(counts.identities).toBeGreaterThanOrEqual(6);
    expect(counts.event_log).toBe(3);
    expect(counts.bronze_events).toBe(3);
    expect(counts.orders_detached).toBe(1);
    expect(counts.match_records).toBeGreaterThanOrEqual(2);
    expect(erasePerson.sweepAt).toEqual(expect.any(String));

    // Gone at once from the gateway's answers…
    expect((await byEmail('zenobia.quill@example.org')).profileByIdentifier).toBeNull();
    const { profile } = await gql<{ profile: unknown }>(
      `query($id: ID!) { profile(id: $id) { id } }`,
      {
        id: zenobiaId,
      },
    );
    expect(profile).toBeNull();
    // …and, once her enrichment job has ended her segment membership, from everywhere.
    await idle();
    const dump = await dumpEverything(t);
    expect(findAll(dump, ZENOBIA)).toEqual({});

    // The other two are untouched; Carol's merge log keeps the unmerge, scrubbed.
    const bob = (await byEmail('bob@example.com')).profileByIdentifier!;
    expect(bob.traits).toMatchObject({ firstName: 'Bob', lastName: 'Builder' });
    expect(bob.orders.edges.map((e) => e.node.orderId)).toEqual(['bob-order-1']);
    const carol = (await byEmail('carol@example.net')).profileByIdentifier!;
    expect(carol.traits).toMatchObject({ firstName: 'Carol' });
    expect(carol.mergeLog.map((m) => m.action)).toContain('UNMERGE');
    const others = findAll(dump, ['bob@example.com', 'carol@example.net']);
    for (const email of ['bob@example.com', 'carol@example.net'])
      expect(others[email]).toEqual(
        expect.arrayContaining(['mongo:identities', 'mongo:profiles', 'mongo:raw_records']),
      );
    // The worker runs the erasure's sweep SWEEP_DELAY_MS later.
    await until('the scheduled erasure sweep', async () => {
      const erasure = await t.app.db.collection('erasures').findOne({ _id: erasureId as never });
      return erasure?.sweptAt instanceof Date && erasure.status === 'done';
    });
    // The order stays (revenue figures do not change), no longer hers.
    expect(dump.get('pg:orders')).toContain('zq-order-1');
    expect(dump.get('pg:orders')).toContain(`erased:${erasureId}`);
  });

  it('records the request in the audit log with ids only', async () => {
    const { auditLog } = await gql<{
      auditLog: { edges: { node: { status: string; targets: string[]; details: unknown } }[] };
    }>(`query { auditLog(action: PERSON_ERASED) { edges { node { status targets details } } } }`);
    expect(auditLog.edges).toHaveLength(1);
    const entry = auditLog.edges[0]!.node;
    expect(entry.status).toBe('DONE');
    expect(entry.targets).toEqual([zenobiaId]);
    expect(entry.details).toMatchObject({ kind: 'EMAIL', erasureId });
    const exported = await gql<{ auditLog: { edges: unknown[] } }>(
      `query { auditLog(action: PERSON_EXPORTED) { edges { node { status } } } }`,
    );
    expect(exported.auditLog.edges).toHaveLength(1);
  });

  it('sweeps away what a writer in flight added after the erasure', async () => {
    // A writer that resolved Zenobia's identifiers before the erasure appends to her old
    // profile's logs and claims an identity for it afterwards.
    const { store } = t.app.services;
    const straggler: EventDoc = {
      _id: 'zq-late-1',
      profileId: zenobiaId,
      type: 'track',
      event: 'Late Click',
      name: null,
      userId: 'zq-user-77',
      anonymousId: null,
      properties: { email: 'zenobia.quill@example.org' },
      traits: {},
      context: {},
      timestamp: new Date(),
      receivedAt: new Date(),
    };
    await store.eventLog.append(eventLogName(zenobiaId), straggler, 7);
    await store.profileLog.append(
      profileLogName(zenobiaId),
      {
        kind: 'contribution',
        source: 'events',
        recordId: 'event:zq-late-1',
        keys: ['user_id:zq-user-77'],
        recordHash: null,
      },
      9,
    );
    await store.claimIdentities([
      {
        _id: 'user_id:zq-user-77',
        kind: 'USER_ID',
        value: 'zq-user-77',
        profileId: zenobiaId,
        source: 'events',
        recordId: 'event:zq-late-1',
        createdAt: new Date(),
      },
    ]);
    expect(findAll(await dumpEverything(t), ['zq-user-77'])).not.toEqual({});
    // The worker ran the scheduled sweep already (see above); this runs it once more,
    // as it would for a writer slower than the sweep delay.
    const counts = await t.app.services.privacy.sweep(erasureId);
    expect(counts).toMatchObject({ event_log: 1, profile_log: 1, identities: 1 });
    expect(findAll(await dumpEverything(t), ZENOBIA)).toEqual({});
  });

  it('lets the person come back as a new profile', async () => {
    const again = await gql<{ upsertCrmContact: { id: string } }>(CONTACT, {
      input: { crmId: 'zq-crm-1', firstName: 'Zenobia', emails: ['zenobia.quill@example.org'] },
    });
    expect(zenobiaProfiles).not.toContain(again.upsertCrmContact.id);
    const found = (await byEmail('zenobia.quill@example.org')).profileByIdentifier!;
    expect(found.id).toBe(again.upsertCrmContact.id);
    expect(found.mergedFrom).toEqual([]);
    expect(found.recentEvents).toEqual([]);
  });

  it('answers NOT_FOUND for an identifier nobody holds, without echoing it', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { erasePerson(kind: EMAIL, value: "nobody@example.com") { erasureId } }`,
      }),
    });
    const body = (await res.json()) as {
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(body.errors[0]!.extensions.code).toBe('NOT_FOUND');
    expect(body.errors[0]!.message).not.toContain('nobody@example.com');
  });
});
