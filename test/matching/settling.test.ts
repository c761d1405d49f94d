import pino from 'pino';
import type { Matcher } from '../../src/matching/matcher';
import type { ReviewItem, ReviewQueue } from '../../src/matching/reviewQueue';
import { settleLikelyPairs } from '../../src/matching/settling';
import { createWorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { crmMatchingClient, person } from '../support/crmMatching';
import { silentLogger, testConfig } from '../support/env';
import { until } from '../support/wait';

/**
 * The conflict check and settling, through the API: a profile that holds a record nothing
 * like an arriving one is not merged with it however well its other records match, and
 * likely pairs waiting in the review queue are merged by settling unless such a
 * contradiction stands between them. The model is the untrained default (version 0).
 */

let t: TestApp;
let api: ReturnType<typeof crmMatchingClient>;
const ids: string[] = [];

beforeAll(async () => {
  t = await startTestApp('settling');
  api = crmMatchingClient(t.url);
  for (let i = 0; i < 10; i++) ids.push(await api.upsert(person(i)));
}, 120_000);

afterAll(() => t?.close());

/**
 * A record from another source that shares person `i`'s email (a deterministic link) but
 * is someone else: other names, birth date and postcode. It contradicts every record that
 * is person `i`.
 */
const impostorSharingEmailOf = (i: number) => ({
  crmId: `impostor-${i}`,
  firstName: ['zebedee', 'ottoline', 'barnaby', 'philippa'][i % 4],
  lastName: ['quartermain', 'fairweather', 'pennywhistle', 'ravenscroft'][i % 4],
  emails: [`person.${i}@example.com`],
  birthDate: `19${30 + i}-02-03`,
  address: { postalCode: `${1200 + i}` },
});

/** Person `i`'s names and a postcode of its own: a likely match, below the merge threshold. */
const likely = (i: number) => ({
  crmId: `likely-${i}`,
  firstName: person(i).firstName,
  lastName: person(i).lastName,
  address: { postalCode: `${9000 + i}` },
});

const resolve = (id: string, decision: 'ACCEPT' | 'REJECT') =>
  api.gql(`mutation($id: ID!) { resolveReview(id: $id, decision: ${decision}) { status } }`, {
    id,
  });

test('a strong match whose clusters contradict each other waits for a person instead of merging', async () => {
  await api.upsert(impostorSharingEmailOf(4));
  expect((await api.profileOf('impostor-4')).id).toBe(ids[4]);
  // A near-duplicate of person 4 (a surname typo, a new email): alone it would be merged,
  // but the profile it would join holds a record nothing like it.
  const original = person(4);
  const duplicate = {
    ...original,
    crmId: 'other-crm-4',
    lastName: original.lastName!.slice(0, -1) + 'x',
    emails: ['p4.private@example.org'],
  };
  const profileId = await api.upsert(duplicate);
  expect(profileId).not.toBe(ids[4]);
  const reviews = await api.openReviews();
  expect(reviews).toEqual([
    expect.objectContaining({ recordId: 'crm:other-crm-4', candidateProfile: { id: ids[4] } }),
  ]);
  expect(reviews[0]!.probability).toBeGreaterThanOrEqual(0.95);
  // Settling leaves it: the contradiction still stands.
  expect(await t.app.services.matching!.settle()).toMatchObject({ merged: 0, contradicted: 1 });
  expect((await api.profileOf('other-crm-4')).id).toBe(profileId);
  // A person who knows better can still merge them.
  await resolve(reviews[0]!.id, 'ACCEPT');
  expect((await api.profileOf('other-crm-4')).id).toBe(ids[4]);
});

test('settling merges likely pairs nothing contradicts, and leaves a contradicted one for a person', async () => {
  await api.upsert(impostorSharingEmailOf(5));
  const contradicted = await api.upsert(likely(5));
  await api.upsert(likely(6));
  await api.upsert(likely(7));
  const queued = await api.openReviews();
  expect(queued.map((r) => r.recordId).sort()).toEqual([
    'crm:likely-5',
    'crm:likely-6',
    'crm:likely-7',
  ]);
  const { settle, merge } = t.app.services.matching!.matcher.thresholds;
  for (const r of queued) {
    expect(r.probability).toBeGreaterThanOrEqual(settle);
    expect(r.probability).toBeLessThan(merge);
  }

  const report = await t.app.services.matching!.settle();
  expect(report).toEqual({
    likely: 3,
    merged: 2,
    alreadyOne: 0,
    contradicted: 1,
    rejected: 0,
    skipped: 0,
  });
  for (const i of [6, 7]) {
    const merged = await api.profileOf(`likely-${i}`);
    expect(merged.id).toBe(ids[i]);
    expect(merged.mergeLog).toEqual([
      expect.objectContaining({ reason: 'PROBABILISTIC', recordId: `crm:likely-${i}` }),
    ]);
    expect(merged.mergeLog[0]!.explanation).toMatch(/settled: at or above the settle threshold/);
    expect(merged.mergeLog[0]!.match!.probability).toBeCloseTo(
      queued.find((r) => r.recordId === `crm:likely-${i}`)!.probability,
      9,
    );
  }
  // The contradicted pair is still open, and its record still in its own profile.
  expect((await api.openReviews()).map((r) => r.recordId)).toEqual(['crm:likely-5']);
  expect((await api.profileOf('likely-5')).id).toBe(contradicted);
  // A second pass finds nothing new to do.
  expect(await t.app.services.matching!.settle()).toMatchObject({ likely: 1, merged: 0 });
});

test('a likely pair whose profiles were joined meanwhile is closed, not merged again', async () => {
  await api.upsert(likely(8));
  const [review] = await api
    .openReviews()
    .then((r) => r.filter((x) => x.recordId === 'crm:likely-8'));
  expect(review).toBeDefined();
  // Joined by hand before settling gets to it.
  await api.gql(
    `mutation($a: ID!, $b: ID!) { mergeProfiles(profileId: $a, otherProfileId: $b) { id } }`,
    { a: ids[8], b: review!.profile.id },
  );
  const report = await t.app.services.matching!.settle();
  expect(report).toMatchObject({ alreadyOne: 1, merged: 0 });
  expect((await api.openReviews()).map((r) => r.recordId)).not.toContain('crm:likely-8');
});

test("settling reads the whole queue, and acts on the current model's pairs at or above its threshold, best first", async () => {
  // 2,500 open reviews (three pages), probabilities spread over 0.3-0.95; one in ten scored
  // by the previous model, waiting for its record's rematch.
  const items = Array.from({ length: 2_500 }, (_, k) => ({
    id: String(k + 1),
    profileId: `a${k}`,
    candidateProfileId: `b${k}`,
    probability: 0.3 + ((k * 7919) % 2_500) / 4_000,
    modelVersion: k % 10 === 0 ? 2 : 3,
  })) as ReviewItem[];
  const reviews = {
    listOpen: (after: string | null, limit: number) =>
      Promise.resolve(items.filter((r) => Number(r.id) > Number(after ?? 0)).slice(0, limit)),
  } as unknown as ReviewQueue;
  const accepted: number[] = [];
  const report = await settleLikelyPairs({
    reviews,
    matcher: { joinable: () => Promise.resolve('joinable') } as unknown as Matcher,
    threshold: 0.6,
    modelVersion: 3,
    logger: pino({ level: 'silent' }),
    accept: (item) => {
      accepted.push(item.probability);
      return Promise.resolve(true);
    },
    close: () => Promise.resolve(),
  });
  const due = items
    .filter((r) => r.probability >= 0.6 && r.modelVersion === 3)
    .map((r) => r.probability);
  expect(due.length).toBeGreaterThan(1_000);
  expect(report).toMatchObject({ likely: due.length, merged: due.length });
  expect(accepted).toEqual([...due].sort((x, y) => y - x));
});

test('the identity worker settles queued likely pairs on its schedule', async () => {
  await api.upsert(likely(9));
  expect((await api.openReviews()).map((r) => r.recordId)).toContain('crm:likely-9');
  const worker = await createWorkerApp(
    testConfig({ POSTGRES_SCHEMA: t.pgSchema, MOSAIC_MATCH_SETTLE_EVERY_MS: '1000' }),
    silentLogger,
    { database: t.database },
  );
  try {
    await until(
      'the scheduled settling',
      async () => (await api.profileOf('likely-9')).id === ids[9],
      20_000,
    );
  } finally {
    await worker.close();
  }
});
