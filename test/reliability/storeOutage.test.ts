import { MongoClient } from 'mongodb';
import { uniqueDatabaseName } from '../support/env';
import { postGraphQL, startGatewayProcess, type GatewayProcess } from '../support/gatewayProcess';
import { startOwnFerretDb, type OwnStore } from '../support/ferretServer';
import { dropPgSchema, pgSchemaFor } from '../support/postgres';
import { until } from '../support/wait';
import { drainedVia, readyz, sendTrack } from '../support/faults';

/**
 * The profile store (FerretDB) is killed while a client keeps sending events, then
 * started again on the same data. Events land in PostgreSQL first, so they are still
 * accepted while the store is down, and the pipeline applies them once it is back. What
 * the client sees, what /readyz says, that the gateway recovers by itself, and that every
 * event it accepted is stored exactly once.
 */

const database = uniqueDatabaseName('storeoutage');
const pgSchema = pgSchemaFor(database);
let store: OwnStore;
let gateway: GatewayProcess;

beforeAll(async () => {
  store = await startOwnFerretDb();
  gateway = await startGatewayProcess({
    MONGODB_URI: `${store.uri}${database}`,
    POSTGRES_SCHEMA: pgSchema,
    MOSAIC_WRITE_KEY: 'outage-write-key',
  });
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await store.destroy();
  await dropPgSchema(pgSchema);
}, 60_000);

let sent = 0;
const send = (id = `outage-${sent++}`) => sendTrack(gateway.url, 'outage-write-key', id);

test('with the store down, events are still accepted, CRM writes are refused with a clear error, and everything accepted is applied exactly once', async () => {
  const accepted: string[] = [];
  const outcomes: { id: string; status: number; body: string; ms: number }[] = [];
  const go = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const r = await send();
      if (r.status === 200) accepted.push(r.id);
      outcomes.push(r);
    }
  };
  await go(15);
  expect(accepted.length).toBe(15);

  await store.kill();
  const down = await until('readyz to report the store down', async () => {
    const r = await readyz(gateway.url);
    return r.status === 503 ? r : null;
  });
  expect(down.body.checks.mongodb?.ok).toBe(false);
  const before = outcomes.length;
  await go(5);
  // What the client sees: its events accepted promptly (they wait in bronze for the store).
  for (const r of outcomes.slice(before)) {
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ success: true, accepted: 1 });
    expect(r.ms).toBeLessThan(10_000);
  }
  // A CRM write needs the store: a prompt STORE_UNAVAILABLE that says to retry.
  const contact = await postGraphQL(
    gateway.url,
    'mutation { upsertCrmContact(input: {crmId: "during-outage", emails: ["o@example.com"]}) { id } }',
  );
  expect(contact.body.errors?.[0]?.extensions?.code).toBe('STORE_UNAVAILABLE');
  // Nothing accepted during the outage is applied yet, and none of it is lost.
  const during = outcomes.slice(before).map((r) => r.id);

  await store.start();
  await until('readyz to recover', async () => (await readyz(gateway.url)).status === 200, 60_000);
  await go(15);
  // A retry of something already accepted changes nothing, and says so.
  const retry = await send(during[0]);
  expect(retry.status).toBe(200);
  expect(JSON.parse(retry.body)).toMatchObject({ accepted: 0, duplicates: 1 });
  await drainedVia(gateway.url);

  const mongo = await MongoClient.connect(`${store.uri}${database}`);
  try {
    const logged = await mongo
      .db(database)
      .collection<{ data: { _id: string } }>('event_log')
      .find({}, { projection: { 'data._id': 1 } })
      .toArray();
    const times = new Map<string, number>();
    for (const e of logged) times.set(e.data._id, (times.get(e.data._id) ?? 0) + 1);
    expect(accepted.filter((id) => times.get(id) !== 1)).toEqual([]);
    expect(logged.length).toBe(35);
  } finally {
    await mongo.close();
  }
}, 180_000);
