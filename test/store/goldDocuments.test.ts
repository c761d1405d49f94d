import fc from 'fast-check';
import type { GoldProfile } from '../../src/profiles/goldDocuments';
import { MongoGoldDocuments } from '../../src/store/mongo/mongoGoldDocuments';
import { openTestStack, type TestStack } from '../support/store';

/**
 * Gold documents in the store, as two processes use them: a reader fills what it read
 * under the token it read first; a writer fences after its write. Whatever the
 * interleaving, once a fence has returned no read may return a document filled from
 * reads made before it.
 */

let a: TestStack;
let b: TestStack;
let docsA: MongoGoldDocuments;
let docsB: MongoGoldDocuments;
beforeAll(async () => {
  a = await openTestStack('gold_docs');
  b = await a.connectAnother();
  docsA = new MongoGoldDocuments(a.cols.goldProfiles, 3600, false);
  docsB = new MongoGoldDocuments(b.cols.goldProfiles, 3600, true);
});
afterAll(() => a.close());

/** A gold document whose plan trait tells which state of the profile it was read from. */
const gold = (id: string, version: number, builtAt = new Date()): GoldProfile => ({
  profile: {
    _id: id,
    identifiers: [],
    traits: { version },
    mergedInto: null,
    mergedFrom: [],
  } as unknown as GoldProfile['profile'],
  events: [],
  computedTraits: null,
  segmentIds: [],
  builtAt,
});
const versionOf = (g: GoldProfile | null) =>
  g === null ? null : (g.profile.traits as { version: number }).version;

test('a fill is read back until a fence, and a fill under a fenced token never is', async () => {
  const first = await docsA.read('p1');
  expect(first.gold).toBeNull();
  expect(await docsA.fill('p1', first.token, gold('p1', 1))).toBe(true);
  expect(versionOf((await docsB.read('p1')).gold)).toBe(1);

  const stale = await docsB.read('p1');
  await docsA.fence(['p1']);
  expect((await docsB.read('p1')).gold).toBeNull();
  // The fence deleted the document filled under the old token, not only replaced the token.
  expect(await a.cols.goldProfiles.countDocuments({ profileId: 'p1' })).toBe(0);
  // The reader that read the token before the fence fills too late: never served.
  await docsB.fill('p1', stale.token, gold('p1', 1));
  expect((await docsA.read('p1')).gold).toBeNull();
  expect(await docsA.readCurrent(['p1'])).toEqual(new Map());

  const fresh = await docsA.read('p1');
  await docsA.fill('p1', fresh.token, gold('p1', 2));
  expect(versionOf((await docsB.read('p1')).gold)).toBe(2);
  expect([...(await docsB.readCurrent(['p1', 'nobody'])).keys()]).toEqual(['p1']);
});

test('a first fill loses to a fence that created the token first', async () => {
  const before = await docsA.read('p2');
  await docsB.fence(['p2']);
  expect(await docsA.fill('p2', before.token, gold('p2', 1))).toBe(false);
  expect((await docsA.read('p2')).gold).toBeNull();
});

test('a document older than the TTL is not served', async () => {
  const short = new MongoGoldDocuments(a.cols.goldProfiles, 60, false);
  const { token } = await short.read('p3');
  await short.fill('p3', token, gold('p3', 1, new Date(Date.now() - 61_000)));
  expect((await short.read('p3')).gold).toBeNull();
  expect(
    versionOf((await new MongoGoldDocuments(a.cols.goldProfiles, 3600, false).read('p3')).gold),
  ).toBe(1);
});

test('a fill landing after a fence is never served, and the next fence deletes it (an erasure and its sweep)', async () => {
  const { token } = await docsA.read('p4');
  await docsA.fill('p4', token, gold('p4', 1));
  const stale = await docsA.read('p4');
  await docsA.fence(['p4']);
  expect(await a.cols.goldProfiles.countDocuments({ profileId: 'p4' })).toBe(0);
  await docsB.fill('p4', stale.token, gold('p4', 1)); // lands after the fence
  expect((await docsA.read('p4')).gold).toBeNull();
  expect(await a.cols.goldProfiles.countDocuments({ profileId: 'p4' })).toBe(1);
  await docsA.fence(['p4']);
  expect(await a.cols.goldProfiles.countDocuments({ profileId: 'p4' })).toBe(0);
});

/** Each step starts `after` event-loop turns in, so writes and reads interleave. */
type Step =
  | { op: 'write'; by: 0 | 1; after: number }
  | { op: 'read'; by: 0 | 1; after: number; delay: number };

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

let run = 0;
test('after a fence returns, no read serves a state older than the write it fenced', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.record({
            op: fc.constant('write' as const),
            by: fc.constantFrom(0 as const, 1 as const),
            after: fc.nat({ max: 12 }),
          }),
          fc.record({
            op: fc.constant('read' as const),
            by: fc.constantFrom(0 as const, 1 as const),
            after: fc.nat({ max: 12 }),
            delay: fc.nat({ max: 3 }),
          }),
        ),
        { minLength: 2, maxLength: 24 },
      ),
      async (steps: Step[]) => {
        const id = `prop-${run++}`;
        // The profile's state in "the store": writers bump it, then fence.
        let state = 0;
        let fencedUpTo = 0;
        const docs = [docsA, docsB];
        const writes: Promise<void>[] = [];
        const reads: Promise<void>[] = [];
        for (const s of steps) {
          if (s.op === 'write') {
            writes.push(
              (async () => {
                await turns(s.after);
                const version = ++state;
                await docs[s.by]!.fence([id]);
                fencedUpTo = Math.max(fencedUpTo, version);
              })(),
            );
          } else {
            reads.push(
              (async () => {
                await turns(s.after);
                const mustSee = fencedUpTo; // acknowledged before this read began
                const { token, gold: current } = await docs[s.by]!.read(id);
                if (current !== null) {
                  expect(versionOf(current)).toBeGreaterThanOrEqual(mustSee);
                  return;
                }
                const seen = state; // the store read, made after the token
                await turns(s.delay);
                await docs[s.by]!.fill(id, token, gold(id, seen));
              })(),
            );
          }
        }
        await Promise.all([...writes, ...reads]);
        const last = (await docsA.read(id)).gold;
        if (last !== null) expect(versionOf(last)).toBe(state);
      },
    ),
    { numRuns: 60, seed: 20261206 },
  );
}, 120_000);

test('one fence of hundreds of profiles that were fenced before completes, and the store answers after it', async () => {
  // The resolution pipeline fences every profile a batch touched in one bulk write. FerretDB
  // 1.24 held a pooled SQLite connection per replace of an existing document until the
  // whole command ended, so 100+ of them waited forever and wedged the database
  // (tools/ferretdb/patches/0001-update-releases-each-statement.patch).
  const ids = Array.from({ length: 300 }, (_, i) => `wide-${i}`);
  await docsA.fence(ids);
  for (const id of ids.slice(0, 3)) await docsA.fill(id, (await docsA.read(id)).token, gold(id, 1));
  const answered = await Promise.race([
    docsA.fence(ids).then(() => 'fenced'),
    new Promise((resolve) => setTimeout(() => resolve('no answer in 15 s'), 15_000).unref()),
  ]);
  expect(answered).toBe('fenced');
  // Each profile has its own, new token: a fill under it is read back, not an old one.
  for (const id of ids.slice(0, 3)) expect((await docsA.read(id)).gold).toBeNull();
  expect(await a.cols.goldProfiles.countDocuments({ _id: { $in: ids } })).toBe(ids.length);
}, 30_000);
