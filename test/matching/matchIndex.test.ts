import fc from 'fast-check';
import type { Pool } from 'pg';
import { blockingKeys } from '../../src/matching/blockingKeys';
import {
  MATCH_FIELDS,
  matchValuesFromTraits,
  type MatchValues,
} from '../../src/matching/matchFields';
import { MatchIndex, unpackValues } from '../../src/matching/matchIndex';
import { TermCounts } from '../../src/matching/termCounts';
import { createLogger } from '../../src/observability/logger';
import { migrate } from '../../src/orders/migrations';
import { createPostgresPool } from '../../src/orders/postgres';
import { testConfig, uniqueDatabaseName } from '../support/env';
import { dropPgSchema, pgSchemaFor } from '../support/postgres';

/**
 * The blocking look-up returns candidates' values packed in one text instead of their
 * jsonb: every candidate must come back exactly as stored, whatever its values hold.
 */

const schema = pgSchemaFor(uniqueDatabaseName('matchindex'));
let pool: Pool;
let index: MatchIndex;

beforeAll(async () => {
  pool = createPostgresPool({ url: testConfig().postgres.url, schema, statementTimeoutMs: 30_000 });
  await migrate(pool, schema);
  index = new MatchIndex(pool, new TermCounts(pool, createLogger('silent')));
});

afterAll(async () => {
  await index?.terms.close();
  await pool?.end();
  await dropPgSchema(schema);
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
      const packed = MATCH_FIELDS.map((f) => v[f] ?? '').join('\u001f');
      expect(unpackValues(packed)).toEqual(v);
    }),
    { seed: 20261202, numRuns: 500 },
  );
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
