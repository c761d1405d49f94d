import fc from 'fast-check';
import type { AppendLog } from '../../src/store/appendLog';
import type { ProfileLogEntry } from '../../src/store/models';
import { MONGODB } from '../../src/store/mongo/capabilities';
import { MongoAppendLog } from '../../src/store/mongo/mongoAppendLog';
import { openTestStack, type TestStack } from '../support/store';

/**
 * The append log as two processes see it: each keeps its own idea of how long a log is
 * (a lower bound it reads from), the other appends past it, hints lag. Whatever the
 * interleaving, every read must return exactly the entries stored from its offset on.
 * The second process reads as MongoDB's path does (sorted finds on `{log, seq}`, `$in`
 * look-ups), the first as FerretDB's (one look-up per slot): both paths run here, against
 * FerretDB, and must return the same entries.
 */

let a: TestStack;
let b: TestStack;
let bLog: AppendLog<ProfileLogEntry>;
beforeAll(async () => {
  a = await openTestStack('append_log');
  b = await a.connectAnother();
  bLog = new MongoAppendLog(b.cols.profileLog, b.cols.logTails, MONGODB);
});
afterAll(() => a.close());

type Step =
  | { op: 'append'; by: 0 | 1; count: number }
  /** From `back` entries before the end (reads near the end are the usual ones). */
  | { op: 'readFrom'; by: 0 | 1; back: number }
  /** The same, up to the length the reader knows, its end left unconfirmed. */
  | { op: 'readKnown'; by: 0 | 1; back: number }
  | { op: 'length'; by: 0 | 1 }
  /** The newest entries, as a profile's recent events are read. */
  | { op: 'readTail'; by: 0 | 1; count: number }
  /** A page from `back` entries before the end, as `events(first, after)` reads one. */
  | { op: 'readRange'; by: 0 | 1; back: number; count: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('append' as const),
    by: fc.constantFrom(0 as const, 1 as const),
    // Long bursts cross hint strides and the one-round-trip read window.
    count: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 20, max: 45 })),
  }),
  fc.record({
    op: fc.constant('readFrom' as const),
    by: fc.constantFrom(0 as const, 1 as const),
    back: fc.oneof(fc.nat({ max: 4 }), fc.nat({ max: 80 })),
  }),
  fc.record({
    op: fc.constant('readKnown' as const),
    by: fc.constantFrom(0 as const, 1 as const),
    back: fc.oneof(fc.nat({ max: 4 }), fc.nat({ max: 80 })),
  }),
  fc.record({ op: fc.constant('length' as const), by: fc.constantFrom(0 as const, 1 as const) }),
  fc.record({
    op: fc.constant('readTail' as const),
    by: fc.constantFrom(0 as const, 1 as const),
    count: fc.integer({ min: 1, max: 25 }),
  }),
  fc.record({
    op: fc.constant('readRange' as const),
    by: fc.constantFrom(0 as const, 1 as const),
    back: fc.nat({ max: 80 }),
    count: fc.integer({ min: 1, max: 40 }),
  }),
);

let run = 0;
test('reads from any offset return exactly the stored entries, in either process', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
      const log = `prop:${run++}`;
      const stored: string[] = [];
      const logs = [a.store.profileLog, bLog] as const;
      for (const s of steps) {
        const on = logs[s.by];
        if (s.op === 'append') {
          for (let i = 0; i < s.count; i++) {
            const entry = { kind: 'split' as const, unmergeId: `${log}/${stored.length}` };
            // Appended where the writer believes the end is; a taken slot moves it on.
            const seq = await on.append(log, entry);
            expect(seq).toBe(stored.length);
            stored.push(entry.unmergeId);
          }
        } else if (s.op === 'readFrom') {
          const from = Math.max(0, stored.length - s.back);
          const { entries, length } = await on.readFrom(log, from);
          expect(length).toBe(stored.length);
          expect(entries.map((e) => e.seq)).toEqual(stored.slice(from).map((_, i) => from + i));
          expect(entries.map((e) => (e.data as { unmergeId: string }).unmergeId)).toEqual(
            stored.slice(from),
          );
        } else if (s.op === 'readKnown') {
          // A prefix of what is stored from `from`, exact as far as it goes.
          const from = Math.max(0, stored.length - s.back);
          const { entries, length } = await on.readKnown(log, from);
          expect(length).toBeGreaterThanOrEqual(from);
          expect(length).toBeLessThanOrEqual(stored.length);
          expect(entries.map((e) => (e.data as { unmergeId: string }).unmergeId)).toEqual(
            stored.slice(from, length),
          );
          expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => from + i));
        } else if (s.op === 'readTail') {
          const { entries, length } = await on.readTail(log, s.count);
          expect(length).toBe(stored.length);
          const newest = entries.slice(-s.count);
          const from = Math.max(0, stored.length - s.count);
          expect(newest.map((e) => e.seq)).toEqual(stored.slice(from).map((_, i) => from + i));
          expect(newest.map((e) => (e.data as { unmergeId: string }).unmergeId)).toEqual(
            stored.slice(from),
          );
        } else if (s.op === 'readRange') {
          const from = Math.max(0, stored.length - s.back);
          const entries = await on.readRange(log, from, s.count);
          expect(entries.map((e) => e.seq)).toEqual(
            stored.slice(from, from + s.count).map((_, i) => from + i),
          );
          expect(entries.map((e) => (e.data as { unmergeId: string }).unmergeId)).toEqual(
            stored.slice(from, from + s.count),
          );
        } else {
          expect(await on.length(log)).toBe(stored.length);
        }
      }
    }),
    { numRuns: 80, seed: 20261202 },
  );
}, 120_000);

test.each([
  ['per-key', undefined],
  ['range-scan', MONGODB],
] as const)(
  'a %s read whose remembered length is past what the store holds (an erased log) ends at the gap',
  async (path, capabilities) => {
    const log = `prop:erased:${path}`;
    const on = new MongoAppendLog<ProfileLogEntry>(
      a.cols.profileLog,
      a.cols.logTails,
      capabilities,
    );
    for (let i = 0; i < 5; i++) await on.append(log, { kind: 'split', unmergeId: `e${i}` });
    await a.cols.profileLog.deleteMany({ log, seq: { $gte: 2 } });
    const known = await on.readKnown(log, 0);
    expect(known.entries.map((e) => e.seq)).toEqual([0, 1]);
    expect(known.length).toBe(2);
    const { entries, length } = await on.readFrom(log, 0);
    expect(entries.map((e) => e.seq)).toEqual([0, 1]);
    expect(length).toBe(2);
  },
);
