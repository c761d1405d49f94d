import { MongoClient, type Db } from 'mongodb';
import { insertManyUnlessExists } from '../../src/store/mongo/byId';
import { isStoreUnreachable } from '../../src/store/mongo/errors';
import { MongoAppendLog } from '../../src/store/mongo/mongoAppendLog';
import { MongoGoldDocuments, type GoldProfileDoc } from '../../src/store/mongo/mongoGoldDocuments';
import type { LogEntryDoc, LogTailDoc } from '../../src/store/models';
import { startOwnFerretDb, type OwnStore } from '../support/ferretServer';

/**
 * A bulk insert whose connection is lost mid-write (the store killed) must fail. The
 * driver reports that as a MongoBulkWriteError with no write errors, which a "were all
 * the failures duplicates?" check reads as yes: the event claims and log appends the
 * pipeline makes this way were counted as written, and the events were lost (found by a
 * CI run of the store-outage test). Each write here is big enough to be mid-flight when
 * the store is killed.
 */

const DOCS = 30_000;
let store: OwnStore;

beforeAll(async () => {
  store = await startOwnFerretDb();
}, 60_000);
afterAll(() => store.destroy(), 60_000);

/** Runs `write` against a fresh database and kills the store while it is in flight. */
async function killedDuring(write: (db: Db) => Promise<unknown>): Promise<unknown> {
  const client = await MongoClient.connect(store.uri, {
    retryWrites: false,
    serverSelectionTimeoutMS: 2_000,
  });
  try {
    const db = client.db(`lost_${Date.now()}`);
    await db.collection('warm').insertOne({ _id: 'warm' } as never); // the database exists
    const outcome = write(db).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    await store.kill();
    return await outcome;
  } finally {
    await client.close(true).catch(() => undefined);
    await store.start();
  }
}

const padding = 'x'.repeat(200);

test('insertManyUnlessExists fails, and says the store is unreachable, instead of reporting no conflicts', async () => {
  const docs = Array.from({ length: DOCS }, (_, i) => ({ _id: `claim-${i}`, padding }));
  const outcome = (await killedDuring((db) =>
    insertManyUnlessExists(db.collection<{ _id: string; padding: string }>('claims'), docs),
  )) as { value?: unknown; error?: unknown };
  expect(outcome).not.toHaveProperty('value');
  expect(isStoreUnreachable(outcome.error)).toBe(true);
}, 60_000);

test('an append log’s appendMany fails instead of reporting the entries appended', async () => {
  const outcome = (await killedDuring((db) => {
    const log = new MongoAppendLog<{ padding: string }>(
      db.collection<LogEntryDoc<{ padding: string }>>('event_log'),
      db.collection<LogTailDoc>('log_tails'),
    );
    log.noteLength('events:lost', 0);
    return log.appendMany(
      Array.from({ length: DOCS }, () => ({ log: 'events:lost', data: { padding } })),
    );
  })) as { value?: unknown; error?: unknown };
  expect(outcome).not.toHaveProperty('value');
  expect(isStoreUnreachable(outcome.error)).toBe(true);
}, 60_000);

test('a gold-document fence fails instead of counting itself landed (a stale document would be served)', async () => {
  const outcome = (await killedDuring((db) =>
    new MongoGoldDocuments(db.collection<GoldProfileDoc>('gold_profiles'), 3600, false).fence(
      Array.from({ length: DOCS }, (_, i) => `profile-${i}`),
    ),
  )) as { value?: unknown; error?: unknown };
  expect(outcome).not.toHaveProperty('value');
  expect(isStoreUnreachable(outcome.error)).toBe(true);
}, 60_000);
