import type { Pool } from 'pg';
import type { PairScore } from '../../src/matching/matchModel';
import type { ReviewItem, ReviewQueue } from '../../src/matching/reviewQueue';
import { PostgresReviewQueue } from '../../src/store/postgres/postgresReviewQueue';
import { migratedSchema } from '../support/postgres';

/**
 * Two records arriving together can each find the other in the review band: the queue
 * must put that question to a person once, keep asking it while either record still
 * does, and close it both ways when a person decides.
 */

let db: Awaited<ReturnType<typeof migratedSchema>>;
let pool: Pool;
let reviews: ReviewQueue;

beforeAll(async () => {
  db = await migratedSchema('reviewqueue');
  pool = db.pool;
  reviews = new PostgresReviewQueue(pool);
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

const listed = async (): Promise<[string, string][]> =>
  (await reviews.listOpen(null, 100)).map((r: ReviewItem) => [r.recordId, r.candidateRecordId]);

const statusOf = async (record: string): Promise<string[]> =>
  (
    await pool.query<{ status: string }>(
      'SELECT status FROM match_reviews WHERE record_id = $1 ORDER BY id',
      [`crm:${record}`],
    )
  ).rows.map((r) => r.status);

test('a pair queued by both its records is listed once, by the first to queue it', async () => {
  await reviews.open(review('a1', 'b1'));
  await reviews.open(review('b1', 'a1'));
  expect(await listed()).toEqual([['crm:a1', 'crm:b1']]);
  // Each record keeps its own review: the question is still asked if one goes.
  expect(await statusOf('a1')).toEqual(['open']);
  expect(await statusOf('b1')).toEqual(['open']);
});

test("the pair stays in the queue when the first record's review is replaced or closed", async () => {
  await reviews.open(review('a2', 'b2'));
  await reviews.open(review('b2', 'a2'));
  // a2 is matched again and now ranks another candidate first: b2's review is listed.
  await reviews.open(review('a2', 'c2'));
  expect((await listed()).filter(([r]) => r.endsWith('2'))).toEqual([
    ['crm:a2', 'crm:c2'],
    ['crm:b2', 'crm:a2'],
  ]);
});

test('a record re-queued against the same candidate replaces its review', async () => {
  await reviews.open(review('a3', 'b3'));
  await reviews.open({ ...review('a3', 'b3'), probability: 0.95 });
  const mine = (await reviews.listOpen(null, 100)).filter((r) => r.recordId === 'crm:a3');
  expect(mine.map((r) => r.probability)).toEqual([0.95]);
});

test('deciding a pair closes its reverse in the same statement, and undoing reopens both', async () => {
  await reviews.open(review('a4', 'b4'));
  await reviews.open(review('b4', 'a4'));
  const [first] = (await reviews.listOpen(null, 100)).filter((r) => r.recordId === 'crm:a4');
  const resolved = await reviews.resolve(first!.id, 'rejected');
  expect(resolved?.reverse?.recordId).toBe('crm:b4');
  expect(await statusOf('a4')).toEqual(['rejected']);
  expect(await statusOf('b4')).toEqual(['superseded']);
  // The reverse cannot be decided the other way afterwards.
  const [reverse] = (
    await pool.query<{ id: string }>(`SELECT id FROM match_reviews WHERE record_id = 'crm:b4'`)
  ).rows;
  expect(await reviews.resolve(reverse!.id, 'accepted')).toBeNull();

  // Acting on the decision failed: both are open again.
  await reviews.reopen(first!.id, 'rejected', resolved!.reverse!.id);
  expect(await statusOf('a4')).toEqual(['open']);
  expect(await statusOf('b4')).toEqual(['open']);

  // Undoing again after the reverse's record was given a new review meanwhile: the decided
  // review is reopened all the same, and the new one stands.
  const again = await reviews.resolve(first!.id, 'rejected');
  await reviews.open(review('b4', 'c4'));
  await reviews.reopen(first!.id, 'rejected', again!.reverse!.id);
  expect(await statusOf('a4')).toEqual(['open']);
  expect(await statusOf('b4')).toEqual(['superseded', 'open']);

  // A review with no reverse is decided alone; nothing else changes.
  await reviews.open(review('a5', 'b5'));
  const [single] = (await reviews.listOpen(null, 100)).filter((r) => r.recordId === 'crm:a5');
  expect(await reviews.resolve(single!.id, 'accepted')).toEqual({ reverse: null });
  expect(await listed()).toContainEqual(['crm:a1', 'crm:b1']);
});

test('a pair decided both ways at the same instant is decided once', async () => {
  const pairs = Array.from({ length: 30 }, (_, i) => [`x${i}`, `y${i}`] as const);
  for (const [x, y] of pairs) {
    await reviews.open(review(x, y));
    await reviews.open(review(y, x));
  }
  const idOf = async (record: string) =>
    (
      await pool.query<{ id: string }>(
        `SELECT id FROM match_reviews WHERE record_id = $1 AND status = 'open'`,
        [`crm:${record}`],
      )
    ).rows[0]!.id;
  const outcomes = await Promise.all(
    pairs.map(async ([x, y]) => {
      const [a, b] = [await idOf(x), await idOf(y)];
      return Promise.all([reviews.resolve(a, 'accepted'), reviews.resolve(b, 'rejected')]);
    }),
  );
  for (const [[x, y], [first, second]] of pairs.map((p, i) => [p, outcomes[i]!] as const)) {
    // One decision won and closed the other; the loser was told, not failed.
    expect([first === null, second === null].sort()).toEqual([false, true]);
    const statuses = [...(await statusOf(x)), ...(await statusOf(y))].sort();
    expect(statuses).toEqual(
      first !== null ? ['accepted', 'superseded'] : ['rejected', 'superseded'],
    );
  }
});

test("withdrawing a record's review closes only its open one, and leaves the reverse asking", async () => {
  await reviews.open(review('a9', 'b9'));
  await reviews.open(review('b9', 'a9'));
  await reviews.withdraw('crm:a9');
  expect(await statusOf('a9')).toEqual(['superseded']);
  expect(await statusOf('b9')).toEqual(['open']);
  expect(await listed()).toContainEqual(['crm:b9', 'crm:a9']);
  // Nothing open: nothing to do.
  await reviews.withdraw('crm:a9');
  await reviews.withdraw('crm:nobody');
  expect(await statusOf('a9')).toEqual(['superseded']);
});
