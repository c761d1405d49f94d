import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { postGraphQL, queryGraphQL } from '../support/gatewayProcess';
import { withPg } from '../support/postgres';
import { until } from '../support/wait';

/**
 * Consent per purpose: recorded from three places (setConsent, CRM contacts, Segment
 * identify calls), folded so that the latest statement per purpose wins whatever order
 * they arrive in, and honoured by segments with a purpose (only consenting profiles are
 * members) and webhooks with a purpose (entries delivered only with consent).
 */

let t: TestApp;
let worker: WorkerApp;
let hooks: Server;
const delivered: { profileId: string; change: string; segmentId: string }[] = [];

beforeAll(async () => {
  t = await startTestApp('consent');
  // Workers cache segment definitions for 2 s: a frequent scheduled refresh catches the
  // profiles enriched just before a segment was defined.
  worker = await createWorkerApp(
    testConfig({ POSTGRES_SCHEMA: t.pgSchema, MOSAIC_SEGMENT_REFRESH_MS: '500' }),
    silentLogger,
    {
      database: t.database,
    },
  );
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      delivered.push(JSON.parse(Buffer.concat(chunks).toString()) as (typeof delivered)[number]);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => hooks.close(resolve));
  await worker.close();
  await t.close();
});

const gql = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) =>
  queryGraphQL<T>(t.url, query, variables);

const CONTACT = `mutation($input: CrmContactInput!) { upsertCrmContact(input: $input) { id } }`;
const SET = `mutation($value: String!, $consents: [ConsentInput!]!, $at: DateTime) {
  setConsent(kind: EMAIL, value: $value, consents: $consents, at: $at) {
    id consent { purpose granted at recordId } }
}`;
const READ = `query($value: String!) {
  profileByIdentifier(kind: EMAIL, value: $value) {
    id traits consent { purpose granted at recordId } sources { name contributions } segments { id }
  }
}`;

interface Read {
  profileByIdentifier: {
    id: string;
    traits: Record<string, unknown>;
    consent: { purpose: string; granted: boolean; at: string; recordId: string }[];
    sources: { name: string; contributions: number }[];
    segments: { id: string }[];
  };
}
const read = async (email: string) => (await gql<Read>(READ, { value: email })).profileByIdentifier;

/** Events accepted into bronze (applied or not): a refused statement adds none. */
const bronzeEvents = () =>
  withPg(async (pool) => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${t.pgSchema}".bronze_events`,
    );
    return Number(rows[0]!.n);
  });

describe('recording consent', () => {
  it('keeps the latest statement per purpose, whatever order statements arrive in', async () => {
    await gql(CONTACT, { input: { crmId: 'c-1', firstName: 'Ada', emails: ['ada@example.com'] } });
    // Withdrawn on the 10th, heard of first; granted on the 1st, heard of later.
    await gql(SET, {
      value: 'ada@example.com',
      consents: [{ purpose: 'marketing', granted: false }],
      at: '2026-11-10T00:00:00Z',
    });
    await gql(SET, {
      value: 'ADA@example.com',
      consents: [
        { purpose: 'marketing', granted: true },
        { purpose: 'analytics', granted: true },
      ],
      at: '2026-11-01T00:00:00Z',
    });
    const ada = await read('ada@example.com');
    expect(ada.consent).toEqual([
      expect.objectContaining({
        purpose: 'analytics',
        granted: true,
        at: '2026-11-01T00:00:00.000Z',
      }),
      expect.objectContaining({
        purpose: 'marketing',
        granted: false,
        at: '2026-11-10T00:00:00.000Z',
      }),
    ]);
    // Consent is shown apart from the traits.
    expect(Object.keys(ada.traits).some((k) => k.startsWith('consent'))).toBe(false);
    expect(ada.traits).toMatchObject({ firstName: 'Ada' });
  });

  it('changes nothing when the same statement is sent again', async () => {
    const before = await read('ada@example.com');
    await gql(SET, {
      value: 'ada@example.com',
      consents: [{ purpose: 'marketing', granted: false }],
      at: '2026-11-10T00:00:00Z',
    });
    expect(await read('ada@example.com')).toEqual(before);
  });

  it('takes consent from CRM contacts and from Segment identify calls', async () => {
    await gql(CONTACT, {
      input: {
        crmId: 'c-2',
        emails: ['bea@example.com'],
        consent: [{ purpose: 'marketing', granted: true }],
      },
    });
    // wait: true answers once the identify call is applied to the profile, so the read below
    // sees its consent.
    const tracked = await gql<{
      trackEvents: { accepted: number; pending: number; outcomes: { applied: boolean }[] };
    }>(
      `mutation($events: [EventInput!]!) {
        trackEvents(events: $events, wait: true) { accepted pending outcomes { applied } }
      }`,
      {
        events: [
          {
            type: 'IDENTIFY',
            messageId: 'consent-m1',
            userId: 'u-bea',
            traits: { email: 'bea@example.com' },
            context: {
              consent: { categoryPreferences: { Advertising: false, 'Product Analytics': true } },
            },
            timestamp: new Date().toISOString(),
          },
        ],
      },
    );
    expect(tracked.trackEvents).toEqual({ accepted: 1, pending: 0, outcomes: [{ applied: true }] });
    const bea = await read('bea@example.com');
    expect(bea.consent.map(({ purpose, granted }) => ({ purpose, granted }))).toEqual([
      { purpose: 'advertising', granted: false },
      { purpose: 'marketing', granted: true },
      { purpose: 'product-analytics', granted: true },
    ]);
    expect(bea.consent.find((c) => c.purpose === 'advertising')!.recordId).toBe('event:consent-m1');
  });

  it('refuses bad statements, naming the field, and writes nothing', async () => {
    const counts = await t.counts();
    const accepted = await bronzeEvents();
    const bad = async (query: string, variables: Record<string, unknown>, field: RegExp) => {
      const { body } = await postGraphQL(t.url, query, variables);
      expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.message).toMatch(field);
    };
    await bad(
      SET,
      { value: 'ada@example.com', consents: [{ purpose: 'Mar keting', granted: true }] },
      /consents\[0\]\.purpose/,
    );
    await bad(
      SET,
      {
        value: 'ada@example.com',
        consents: [
          { purpose: 'marketing', granted: true },
          { purpose: 'marketing', granted: false },
        ],
      },
      /consents\[1\]\.purpose.*twice/,
    );
    await bad(SET, { value: 'ada@example.com', consents: [] }, /consents/);
    await bad(
      SET,
      {
        value: 'ada@example.com',
        consents: [{ purpose: 'marketing', granted: true }],
        at: '2099-01-01T00:00:00Z',
      },
      /^at:/,
    );
    // A client cannot pass an attribute or trait off as a consent flag.
    await bad(
      CONTACT,
      { input: { crmId: 'c-3', attributes: { 'consent:marketing': true } } },
      /attributes\.consent:marketing/,
    );
    await bad(
      `mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted } }`,
      { events: [{ type: 'IDENTIFY', userId: 'u-x', traits: { 'consent:ads': true } }] },
      /traits\.consent:ads/,
    );
    await bad(
      `mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted } }`,
      {
        events: [
          {
            type: 'IDENTIFY',
            userId: 'u-x',
            context: { consent: { categoryPreferences: { Ads: 'yes' } } },
          },
        ],
      },
      /context\.consent\.categoryPreferences\.Ads/,
    );
    expect(await t.counts()).toEqual(counts);
    expect(await bronzeEvents()).toBe(accepted);
  });
});

describe('honouring consent', () => {
  const member = async (email: string) => (await read(email)).segments.map((s) => s.id);

  it('admits to a segment with a purpose only the profiles that granted it, in real time', async () => {
    for (const [crmId, email] of [
      ['s-1', 'cleo@example.com'],
      ['s-2', 'dan@example.com'],
    ])
      await gql(CONTACT, { input: { crmId, emails: [email], attributes: { plan: 'pro' } } });
    await gql(SET, {
      value: 'cleo@example.com',
      consents: [{ purpose: 'marketing', granted: true }],
    });
    const { defineSegment } = await gql<{ defineSegment: { id: string; purpose: string } }>(
      `mutation { defineSegment(name: "Pro newsletter", rule: {trait: "plan", op: "eq", value: "pro"}, purpose: "marketing") { id purpose } }`,
    );
    expect(defineSegment).toEqual({ id: 'pro-newsletter', purpose: 'marketing' });
    const { addSegmentWebhook } = await gql<{ addSegmentWebhook: { purpose: string } }>(
      `mutation($w: WebhookInput!) { addSegmentWebhook(segmentId: "pro-newsletter", webhook: $w) { purpose } }`,
      {
        w: {
          url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/h`,
          secret: 'whsec-consent-0123456789',
        },
      },
    );
    expect(addSegmentWebhook.purpose).toBeNull();
    await until('the full refresh to admit Cleo', async () =>
      (await member('cleo@example.com')).includes('pro-newsletter'),
    );
    expect(await member('dan@example.com')).toEqual([]);
    // Dan grants it: he enters on that change alone; Cleo withdraws: she leaves.
    await gql(SET, {
      value: 'dan@example.com',
      consents: [{ purpose: 'marketing', granted: true }],
    });
    await gql(SET, {
      value: 'cleo@example.com',
      consents: [{ purpose: 'marketing', granted: false }],
    });
    await until(
      'Dan in, Cleo out',
      async () =>
        (await member('dan@example.com')).includes('pro-newsletter') &&
        !(await member('cleo@example.com')).includes('pro-newsletter'),
    );
    // The store filter (full refresh) agrees with the predicate (real time).
    const { segment } = await gql<{ segment: { size: number } }>(
      `{ segment(id: "pro-newsletter") { size } }`,
    );
    expect(segment.size).toBe(1);
  });

  it('delivers entries to a webhook with a purpose only for profiles that granted it', async () => {
    await gql(
      `mutation { defineSegment(name: "All pros", rule: {trait: "plan", op: "eq", value: "pro"}) { id } }`,
    );
    const port = (hooks.address() as AddressInfo).port;
    const { addSegmentWebhook } = await gql<{ addSegmentWebhook: { purpose: string } }>(
      `mutation($w: WebhookInput!) { addSegmentWebhook(segmentId: "all-pros", webhook: $w) { purpose } }`,
      {
        w: {
          url: `http://127.0.0.1:${port}/ads`,
          secret: 'whsec-consent-0123456789',
          purpose: 'advertising',
        },
      },
    );
    expect(addSegmentWebhook.purpose).toBe('advertising');
    const { segment } = await gql<{ segment: { webhooks: { purpose: string }[] } }>(
      `{ segment(id: "all-pros") { webhooks { purpose } } }`,
    );
    expect(segment.webhooks).toEqual([{ purpose: 'advertising' }]);
    const eve = await gql<{ upsertCrmContact: { id: string } }>(CONTACT, {
      input: {
        crmId: 's-3',
        emails: ['eve@example.com'],
        attributes: { plan: 'pro' },
        consent: [{ purpose: 'advertising', granted: true }],
      },
    });
    const finn = await gql<{ upsertCrmContact: { id: string } }>(CONTACT, {
      input: { crmId: 's-4', emails: ['finn@example.com'], attributes: { plan: 'pro' } },
    });
    await until(
      'Eve and Finn in the segment',
      async () =>
        (await member('eve@example.com')).includes('all-pros') &&
        (await member('finn@example.com')).includes('all-pros'),
    );
    await until('the delivery for Eve', () =>
      Promise.resolve(
        delivered.find(
          (d) => d.segmentId === 'all-pros' && d.profileId === eve.upsertCrmContact.id,
        ),
      ),
    );
    // Give Finn's (refused) delivery every chance to arrive, then check it did not.
    await until('the webhook queue to drain', async () => {
      const c = await worker.queues.webhooks.getJobCounts('waiting', 'active', 'delayed');
      return Object.values(c).every((n) => n === 0);
    });
    expect(
      delivered.filter(
        (d) => d.segmentId === 'all-pros' && d.profileId === finn.upsertCrmContact.id,
      ),
    ).toEqual([]);
  });
});
