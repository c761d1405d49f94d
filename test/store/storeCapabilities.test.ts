import fc from 'fast-check';
import { getByIds } from '../../src/store/mongo/byId';
import { detectCapabilities, MONGODB, PER_KEY_LOOKUPS } from '../../src/store/mongo/capabilities';
import { collections, ensureCollections } from '../../src/store/mongo/collections';
import { connectMongo, type MongoConnection } from '../../src/store/mongo/connection';
import { MongoIdentityGraphStore } from '../../src/store/mongo/mongoIdentityGraphStore';
import { testConfig, uniqueDatabaseName } from '../support/env';

/**
 * The store's two look-up paths, chosen at start by what the server does well: batched
 * `$in` queries and query indexes on MongoDB, one `findOne` per key on FerretDB. Only
 * FerretDB runs here, so both paths run against it and must agree.
 */

let mongo: MongoConnection;
beforeAll(async () => {
  mongo = await connectMongo(testConfig().mongo.uri, uniqueDatabaseName('capabilities'));
  await ensureCollections(mongo.db);
});
afterAll(async () => {
  await mongo.db.dropDatabase();
  await mongo.close();
});

test('the test server is recognised as FerretDB, and gets the per-key path', async () => {
  expect(await detectCapabilities(mongo.db)).toEqual(PER_KEY_LOOKUPS);
});

test('batched and per-key look-ups return the same documents for any ids', async () => {
  const cols = collections(mongo.db);
  const stored = Array.from({ length: 40 }, (_, i) => `p-${i}`);
  // Only `_id` matters to a look-up; the rest differs per document so a mix-up would show.
  await cols.profiles.insertMany(
    stored.map((_id, i) => ({ _id, mergedInto: null, traits: { n: i } })) as never[],
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.constantFrom(...stored), fc.string({ maxLength: 6 })), {
        maxLength: 30,
      }),
      async (ids) => {
        const [perKey, batched] = await Promise.all([
          getByIds(cols.profiles, ids, false),
          getByIds(cols.profiles, ids, true),
        ]);
        expect([...batched.entries()].sort()).toEqual([...perKey.entries()].sort());
        expect([...batched.keys()].every((id) => ids.includes(id))).toBe(true);
      },
    ),
    { numRuns: 60 },
  );
});

test('an identity graph store on the MongoDB path reads what the FerretDB path reads', async () => {
  const cols = collections(mongo.db);
  const batched = new MongoIdentityGraphStore(cols, MONGODB);
  const perKey = new MongoIdentityGraphStore(cols);
  const ids = ['p-1', 'p-7', 'missing', 'p-7', 'p-39'];
  const viaBatch = await batched.getProfiles(ids);
  expect([...viaBatch.keys()].sort()).toEqual(['p-1', 'p-39', 'p-7']);
  expect(viaBatch).toEqual(await perKey.getProfiles(ids));
  expect(viaBatch.get('p-39')).toMatchObject({ traits: { n: 39 } });
});

test("MongoDB's query indexes are created once, by name, and again without error", async () => {
  await mongo.db.collection('event_log').createIndex({ log: 1 }, { name: 'by_log' });
  await ensureCollections(mongo.db, MONGODB);
  await ensureCollections(mongo.db, MONGODB);
  const names = async (collection: string) =>
    (await mongo.db.collection(collection).listIndexes().toArray()).map((i) =>
      String((i as { name?: unknown }).name),
    );
  expect(await names('identities')).toContain('by_profile');
  expect(await names('merge_pointers')).toContain('by_survivor');
  // The `{log}` index of earlier versions gives way to `{log, seq}`, which serves it too.
  expect(await names('event_log')).toContain('log_seq');
  expect(await names('event_log')).not.toContain('by_log');
  expect(await names('profile_log')).toContain('log_seq');
  expect(await names('segment_changes')).toEqual(expect.arrayContaining(['by_profile', 'recent']));
  expect(await names('pending_event_batches')).toContain('by_age');
});
