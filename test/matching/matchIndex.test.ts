import fc from 'fast-check';
import { blockingKeys } from '../../src/matching/blockingKeys';
import {
  MATCH_FIELDS,
  matchValuesFromTraits,
  type MatchValues,
} from '../../src/matching/matchFields';
import type { MatchIndex } from '../../src/matching/matchIndex';
import { createLogger } from '../../src/observability/logger';
import type { Pool } from '../../src/store/postgres/connection';
import { openMatchingStores } from '../../src/store/postgres/matchingStores';
import { migrate } from '../../src/store/postgres/migrations';
import { packValues, unpackValues } from '../../src/store/postgres/packedMatchValues';
import { migratedSchema } from '../support/postgres';

/**
 * The blocking look-up returns candidates' values packed in one text, from their key rows,
 * instead of their jsonb: every candidate must come back exactly as stored, whatever its
 * values hold, after a change of its values, and from a store indexed before the key rows
 * carried them.
 */

let db: Awaited<ReturnType<typeof migratedSchema>>;
let index: MatchIndex;

beforeAll(async () => {
  db = await migratedSchema('matchindex');
  index = indexOn(db.pool);
});

const indexOn = (pool: Pool): MatchIndex => openMatchingStores(pool, createLogger('silent')).index;

afterAll(async () => {
  await index?.terms.close();
  await db?.drop();
});

/** Any value a field can hold after normalisation, unicode and spaces included. */
const value = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((s) => !s.includes('\u001f'));
const values: fc.Arbitrary<MatchValues> = fc.record(
  Object.fromEntries(MATCH_FIELDS.map((f) => [f, value])),
  { requiredKeys: [] },
);

test('unpacking gives back exactly the values packed, missing ones included', () => {
  fc.assert(
    fc.property(values, (v) => {
      const packed = packValues(v);
      expect(packed).not.toBeNull();
      expect(unpackValues(packed!)).toEqual(v);
    }),
    { seed: 20261202, numRuns: 500 },
  );
});

test('values holding the separator are not packed', () => {
  expect(packValues({ surname: 'smith', email: 'a\u001fb@example.com' })).toBeNull();
  expect(unpackValues('too\u001ffew')).toBeNull();
});

test('every candidate sharing a key comes back with its values as stored', async () => {
  const stored = fc.sample(values, { seed: 20261202, numRuns: 60 });
  // One key shared by all, so that one look-up returns every stored record.
  for (const [i, v] of stored.entries())
    await index.index(`r-${i}`, `p-${i}`, v, ['shared', ...blockingKeys(v)], 0);
  const probe: MatchValues = { givenName: 'probe', surname: 'probe' };
  const { candidates } = await index.evidence(['shared'], 'nobody', probe);
  expect(candidates).toHaveLength(stored.length);
  for (const c of candidates) {
    const i = Number(c.recordId.slice(2));
    expect(c.profileId).toBe(`p-${i}`);
    expect(c.values).toEqual(stored[i]);
  }
});

test('a value holding the packing separator, stored before emails were cleaned of it, is read whole', async () => {
  const odd: MatchValues = { givenName: 'ann', email: 'ann\u001fx@example.com' };
  await index.index('r-odd', 'p-odd', odd, ['odd-key'], 0);
  const { candidates } = await index.evidence(['odd-key'], 'nobody', { givenName: 'ann' });
  expect(candidates.map((c) => c.values)).toEqual([odd]);
  // New records never carry it: the email loses its control characters.
  expect(matchValuesFromTraits({ email: 'Ann\u001fX@Example.com' }).email).toBe('annx@example.com');
});

test('a record whose values change is found by its new keys only, with its new values', async () => {
  const before: MatchValues = { givenName: 'maria', surname: 'lopez', postcode: '2000' };
  const after: MatchValues = { givenName: 'maria', surname: 'lopez-garcia', postcode: '3000' };
  await index.index('r-moved', 'p-moved', before, ['moved-old', 'moved-both'], 0);
  await index.index('r-moved', 'p-moved', after, ['moved-new', 'moved-both'], 0);
  const probe: MatchValues = { givenName: 'probe' };
  expect((await index.evidence(['moved-old'], 'nobody', probe)).candidates).toEqual([]);
  for (const key of ['moved-new', 'moved-both']) {
    const { candidates } = await index.evidence([key], 'nobody', probe);
    expect(candidates.map((c) => [c.recordId, c.profileId, c.values])).toEqual([
      ['r-moved', 'p-moved', after],
    ]);
  }
});

test('records indexed and looked up all at once (one statement each way) come back as one by one', async () => {
  const stored = fc.sample(values, { seed: 20261206, numRuns: 40 });
  const keysOf = (i: number) => [`batch-${i % 5}`, ...blockingKeys(stored[i]!)];
  // All in flight together: the calls queued behind the first go as one statement.
  const indexed = await Promise.all(
    stored.map((v, i) => index.index(`b-${i}`, `pb-${i}`, v, keysOf(i), 0)),
  );
  expect(indexed.every((r) => r.inserted && r.changed)).toBe(true);
  expect(new Set(indexed.map((r) => r.seq)).size).toBe(stored.length);
  // The same record twice at once (a contact in two concurrent calls) is new only once.
  const twice = await Promise.all([
    index.index('b-twice', 'pb-twice', { givenName: 'ann' }, ['twice'], 0),
    index.index('b-twice', 'pb-twice', { givenName: 'ann' }, ['twice'], 0),
  ]);
  expect(twice.filter((r) => r.inserted)).toHaveLength(1);
  const looked = await Promise.all(stored.map((v, i) => index.evidence(keysOf(i), `b-${i}`, v)));
  for (const [i, { candidates }] of looked.entries()) {
    const alone = await index.evidence(keysOf(i), `b-${i}`, stored[i]!);
    const ids = (c: { recordId: string }[]) => c.map((x) => x.recordId).sort();
    expect(ids(candidates)).toEqual(ids(alone.candidates));
    expect(ids(candidates)).not.toContain(`b-${i}`);
    // Everyone sharing its batch key is a candidate, with its values as stored.
    for (let j = i % 5; j < stored.length; j += 5)
      if (j !== i)
        expect(candidates.find((c) => c.recordId === `b-${j}`)?.values).toEqual(stored[j]);
  }
});

test('a candidate sharing several keys with the record is returned once', async () => {
  await index.index(
    'r-many',
    'p-many',
    { givenName: 'ann', surname: 'lee' },
    ['m1', 'm2', 'm3'],
    0,
  );
  const { candidates } = await index.evidence(['m1', 'm2', 'm3'], 'nobody', {});
  expect(candidates.map((c) => c.recordId)).toEqual(['r-many']);
});

test('a store indexed before key rows carried values is read the same after migrating', async () => {
  const v4 = await migratedSchema('matchindex_v4', { through: 4 });
  const old = v4.pool;
  try {
    const stored = [
      ...fc.sample(values, { seed: 20261204, numRuns: 40 }),
      { givenName: 'ann', email: 'ann\u001fx@example.com' },
    ];
    // As version 4 indexed them: values in the record only.
    for (const [i, v] of stored.entries()) {
      await old.query(
        `INSERT INTO match_records (record_id, profile_id, match_values, block_keys)
         VALUES ($1, $2, $3, ARRAY['shared'])`,
        [`r-${i}`, `p-${i}`, v],
      );
      await old.query(
        `INSERT INTO match_block_keys (block_key, seq, record_id)
         SELECT 'shared', seq, record_id FROM match_records WHERE record_id = $1`,
        [`r-${i}`],
      );
    }
    // Every version after 4, in order (5 is the one this test is about).
    const applied = await migrate(old, v4.schema);
    expect(applied[0]).toBe(5);
    expect(applied).toEqual(applied.map((_, i) => 5 + i));
    const migrated = indexOn(old);
    try {
      const { candidates } = await migrated.evidence(['shared'], 'nobody', { givenName: 'x' });
      expect(candidates).toHaveLength(stored.length);
      for (const c of candidates) {
        const i = Number(c.recordId.slice(2));
        expect(c.profileId).toBe(`p-${i}`);
        expect(c.values).toEqual(stored[i]);
      }
      const { rows } = await old.query<{ packed_values: string | null }>(
        `SELECT packed_values FROM match_block_keys WHERE record_id = $1`,
        [`r-${stored.length - 1}`],
      );
      expect(rows).toEqual([{ packed_values: null }]);
    } finally {
      await migrated.terms.close();
    }
  } finally {
    await v4.drop();
  }
});

test('records indexed with older blocking keys are re-keyed: found by the new keys only, and matched again unless merged', async () => {
  const v7 = await migratedSchema('matchindex_v7', { through: 7 });
  try {
    const people: MatchValues[] = [
      { givenName: 'anna', surname: 'brown', email: 'anna.brown+shop@x.com' },
      { givenName: 'anna', surname: 'brown', email: 'annabrown@y.com' },
      { givenName: 'o"neil', surname: 'back\\slash', city: 'york' },
    ];
    // As version 7 indexed them: one old-style key each, decided by model 3.
    for (const [i, v] of people.entries()) {
      await v7.pool.query(
        `INSERT INTO match_records (record_id, profile_id, match_values, block_keys, decided_version, decision)
         VALUES ($1, $2, $3, ARRAY[$4], 3, $5)`,
        [`r-${i}`, `p-${i}`, v, `old:${i}`, i === 0 ? 'merged' : 'none'],
      );
      await v7.pool.query(
        `INSERT INTO match_block_keys (block_key, seq, record_id, profile_id, packed_values)
         SELECT $2, seq, record_id, profile_id, $3 FROM match_records WHERE record_id = $1`,
        [`r-${i}`, `old:${i}`, packValues(v)],
      );
    }
    await migrate(v7.pool, v7.schema);
    const migrated = indexOn(v7.pool);
    try {
      expect(await migrated.hasStaleKeys(2)).toBe(true);
      // Pages of two: the second page holds the last record.
      expect(await migrated.rekey(2, blockingKeys, 2)).toBe(2);
      expect(await migrated.rekey(2, blockingKeys, 2)).toBe(1);
      expect(await migrated.rekey(2, blockingKeys, 2)).toBe(0);
      expect(await migrated.hasStaleKeys(2)).toBe(false);

      const probe: MatchValues = { givenName: 'probe' };
      for (const i of [0, 1, 2])
        expect((await migrated.evidence([`old:${i}`], 'nobody', probe)).candidates).toEqual([]);
      // The two mailboxes differ only by dots, a +tag and the domain: one new key finds both.
      const { candidates } = await migrated.evidence(['mailbox:annabrown'], 'nobody', probe);
      expect(candidates.map((c) => [c.recordId, c.values]).sort()).toEqual([
        ['r-0', people[0]],
        ['r-1', people[1]],
      ]);
      const odd = blockingKeys(people[2]!);
      const found = await migrated.evidence(odd, 'nobody', probe);
      expect(found.candidates.map((c) => c.recordId)).toEqual(['r-2']);
      const { rows } = await v7.pool.query<{
        record_id: string;
        block_keys: string[];
        decided_version: number | null;
        decision: string | null;
      }>('SELECT record_id, block_keys, decided_version, decision FROM match_records ORDER BY seq');
      expect(rows.map((r) => r.block_keys)).toEqual(people.map((v) => blockingKeys(v)));
      // Merged stays merged; the others are undecided, so the next rematch takes them.
      expect(rows.map((r) => [r.decided_version, r.decision])).toEqual([
        [3, 'merged'],
        [null, null],
        [null, null],
      ]);
      expect((await migrated.decidedBefore(4, 0, 10)).map((r) => r.recordId)).toEqual([
        'r-1',
        'r-2',
      ]);
    } finally {
      await migrated.terms.close();
    }
  } finally {
    await v7.drop();
  }
});
