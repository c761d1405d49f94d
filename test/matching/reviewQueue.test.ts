import type { Pool } from 'pg';
import type { PairScore } from '../../src/matching/matchModel';
import { ReviewQueue, type ReviewItem } from '../../src/matching/reviewQueue';
import { migratedSchema } from '../support/postgres';

/**
 * Two records arriving together can each find the other in the review band: the queue
 * must put that question to a person once, and a decision on it must close it both ways.
 */

let db: Awaited<ReturnType<typeof migratedSchema>>;
let pool: Pool;
let reviews: ReviewQueue;

beforeAll(async () => {
  db = await migratedSchema('reviewqueue');
  pool = db.pool;
  reviews = new ReviewQueue(pool);
});

afterAll(() => db?.drop());

const score: PairScore = { priorWeight: -6.6, fields: [], total: 3, probability: 0.9 };

const review = (record: string, candidate: string) => ({
  recordId: `crm:${record}`,
  profileId: `profile-${record}`,
  candidateRecordId: `crm:${candidate}`,
  candidateProfileId: `profile-${candidate}`,
  probability: 0.9,
  score,
  modelVersion: 1,
});

const open = async (): Promise<[string, string][]> =>
  (await reviews.listOpen(null, 100)).map((r: ReviewItem) => [r.recordId, r.candidateRecordId]);

const statusOf = async (record: string): Promise<string[]> =>
  (
    await pool.query<{ status: string }>(
      'SELECT status FROM match_reviews WHERE record_id = $1 ORDER BY id',
      [`crm:${record}`],
    )
  ).rows.map((r) => r.status);

test('a pair already queued the other way round is not queued again', async () => {
  expect(await reviews.open(review('a1', 'b1'))).toBe(true);
  expect(await reviews.open(review('b1', 'a1'))).toBe(false);
  expect(await open()).toEqual([['crm:a1', 'crm:b1']]);
  expect(await statusOf('b1')).toEqual([]);
});

test("the record's own older review is closed when the reverse stands for it", async () => {
  expect(await reviews.open(review('b2', 'c2'))).toBe(true);
  expect(await reviews.open(review('a2', 'b2'))).toBe(true);
  // b2 now ranks a2 first: that question is open already, as a2 → b2.
  expect(await reviews.open(review('b2', 'a2'))).toBe(false);
  expect(await statusOf('b2')).toEqual(['superseded']);
  expect((await open()).filter(([r]) => r.endsWith('2'))).toEqual([['crm:a2', 'crm:b2']]);
});

test('a record re-queued against the same candidate replaces its review', async () => {
  expect(await reviews.open(review('a3', 'b3'))).toBe(true);
  expect(await reviews.open({ ...review('a3', 'b3'), probability: 0.95 })).toBe(true);
  const mine = (await reviews.listOpen(null, 100)).filter((r) => r.recordId === 'crm:a3');
  expect(mine.map((r) => r.probability)).toEqual([0.95]);
});

test('deciding a pair closes its reverse, which two matchers could open at the same instant', async () => {
  expect(await reviews.open(review('a4', 'b4'))).toBe(true);
  // What a matcher that checked for the reverse just before a4's review existed writes.
  await pool.query(
    `INSERT INTO match_reviews (record_id, profile_id, candidate_record_id, candidate_profile_id,
       probability, score, model_version, status)
     VALUES ('crm:b4', 'profile-b4', 'crm:a4', 'profile-a4', 0.9, '{}', 1, 'open')`,
  );
  const [first] = (await reviews.listOpen(null, 100)).filter((r) => r.recordId === 'crm:a4');
  expect(await reviews.resolve(first!.id, 'rejected')).toBe(true);
  expect(await reviews.supersedeReverse(first!)).toBe('crm:b4');
  expect(await statusOf('b4')).toEqual(['superseded']);
  expect((await open()).filter(([r]) => r.endsWith('4'))).toEqual([]);
  // Nothing else is closed: with no reverse open, it reports none.
  expect(await reviews.supersedeReverse(review('a1', 'b1'))).toBeNull();
  expect(await open()).toContainEqual(['crm:a1', 'crm:b1']);
});
