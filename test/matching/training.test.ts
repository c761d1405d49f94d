import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { queryGraphQL } from '../support/gatewayProcess';
import { until } from '../support/wait';

/**
 * The model learns from the store: once enough contacts have arrived, the gateway queues
 * a training job, a worker estimates a new model version from the store's own records
 * (EM anchored by known matches), and every record decided by the older model is
 * matched again under the new one.
 */

let t: TestApp;
let worker: WorkerApp;

const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
  queryGraphQL<T>(t.url, query, variables);

const GIVEN = [
  'amara',
  'bjorn',
  'chloe',
  'dmitri',
  'elena',
  'farid',
  'greta',
  'hiro',
  'ines',
  'jonas',
];
const FAMILY = [
  'abara',
  'berg',
  'castillo',
  'dubois',
  'eriksen',
  'fontaine',
  'gallo',
  'hale',
  'ivanova',
  'jensen',
  'kato',
];

/** 110 distinct people, 30 of them also from another CRM: same id and birth date, a typo in the surname. */
const people = Array.from({ length: 110 }, (_, i) => ({
  crmId: `a-${i}`,
  firstName: GIVEN[i % GIVEN.length]!,
  lastName: FAMILY[(i * 7) % FAMILY.length]!,
  birthDate: `19${40 + (i % 60)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
  address: { line1: `${i + 1} main street`, postalCode: String(3000 + i) },
  attributes: { nationalId: String(7_000_000 + 104_729 * i) },
}));
const duplicates = people.slice(0, 30).map((p, i) => ({
  ...p,
  crmId: `b-${i}`,
  lastName: p.lastName.slice(0, -1) + (p.lastName.endsWith('a') ? 'e' : 'a'),
}));

beforeAll(async () => {
  t = await startTestApp('training');
  worker = await createWorkerApp(testConfig({ POSTGRES_SCHEMA: t.pgSchema }), silentLogger, {
    database: t.database,
  });
  // Each duplicate arrives next to its original, so the first training (at 100 records)
  // already sees known matches to anchor EM.
  const arrivals = people.flatMap((p, i) => (duplicates[i] ? [p, duplicates[i]] : [p]));
  for (let i = 0; i < arrivals.length; i += 50) {
    await gql(`mutation($c: [CrmContactInput!]!) { upsertCrmContacts(inputs: $c) { changed } }`, {
      c: arrivals.slice(i, i + 50),
    });
  }
}, 180_000);

afterAll(async () => {
  await worker?.close();
  await t?.close();
});

test('enough records queue a training; a worker trains a new version and rematches what the old one decided', async () => {
  const model = await until(
    'a trained model version',
    async () => {
      const { matchModel } = await gql<{
        matchModel: {
          version: number;
          records: number;
          candidatePairs: number;
          iterations: number;
          prior: number;
        };
      }>(`{ matchModel { version records candidatePairs iterations prior } }`);
      return matchModel.version >= 1 && matchModel;
    },
    60_000,
  );
  expect(model.records).toBeGreaterThanOrEqual(100);
  expect(model.candidatePairs).toBeGreaterThan(0);
  // Known matches (same id and birth date) anchored EM, so m was learned, not kept.
  expect(model.iterations).toBeGreaterThan(0);
  expect(model.prior).toBeGreaterThan(0);
  expect(model.prior).toBeLessThanOrEqual(0.5);

  // Training ends by matching again everything an older model decided (other than merges).
  const pool = t.app.services.matching!;
  await until(
    'every record decided by the new model',
    async () => (await pool.index.decidedBefore(model.version, 0, 1)).length === 0,
    60_000,
  );

  // Every duplicate ended in its original's profile, and no two originals were merged.
  const profileOf = async (crmId: string) =>
    (
      await gql<{ profileByIdentifier: { id: string } }>(
        `query($v: String!) { profileByIdentifier(kind: CRM_ID, value: $v) { id } }`,
        { v: crmId },
      )
    ).profileByIdentifier.id;
  const originals = await Promise.all(people.map((p) => profileOf(p.crmId)));
  expect(new Set(originals).size).toBe(people.length);
  for (const [i, d] of duplicates.entries()) expect(await profileOf(d.crmId)).toBe(originals[i]);
});
