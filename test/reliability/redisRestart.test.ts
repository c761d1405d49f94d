import { MongoClient } from 'mongodb';
import { testConfig, uniqueDatabaseName } from '../support/env';
import { startGatewayProcess, type GatewayProcess } from '../support/gatewayProcess';
import { dropPgSchema, pgSchemaFor } from '../support/postgres';
import { startOwnRedis, type OwnRedis } from '../support/redisServer';
import { until } from '../support/wait';
import {
  backlogVia,
  drainedVia,
  postBatch,
  readyz,
  sendTrack,
  visitorBatch,
} from '../support/faults';

/**
 * Redis (pub/sub, job queues, the source cache, rate limits) is killed and restarted
 * empty while a client keeps sending events to a gateway process, and while its pipeline
 * is applying a burst of /v1/batch calls. What the client sees,
 * what /readyz says, that the gateway recovers by itself, and that every event it
 * accepted is stored exactly once.
 */

const database = uniqueDatabaseName('redisrestart');
const pgSchema = pgSchemaFor(database);
const uri = new URL(testConfig().mongo.uri);
uri.pathname = `/${database}`;
let redis: OwnRedis;
let gateway: GatewayProcess;
let mongo: MongoClient;

beforeAll(async () => {
  redis = await startOwnRedis();
  gateway = await startGatewayProcess({
    MONGODB_URI: uri.toString(),
    POSTGRES_SCHEMA: pgSchema,
    REDIS_URL: redis.url,
    MOSAIC_WRITE_KEY: 'restart-write-key',
  });
  mongo = await MongoClient.connect(testConfig().mongo.uri);
}, 60_000);

afterAll(async () => {
  await gateway.stop();
  await redis.kill();
  await mongo.db(database).dropDatabase();
  await mongo.close();
  await dropPgSchema(pgSchema);
}, 60_000);

let sent = 0;
const send = () => sendTrack(gateway.url, 'restart-write-key', `restart-${sent++}`, 10_000);

const BURST_SENDERS = 8;
const BURST_SIZE = 100;
/** Concurrent /v1/batch calls of visitors identifying part-way; returns the messageIds. */
async function sendBurst(): Promise<string[]> {
  const calls = Array.from({ length: BURST_SENDERS }, async (_, sender) => {
    const batch = visitorBatch(`burst-${sender}`, BURST_SIZE);
    expect(await postBatch(gateway.url, 'restart-write-key', batch)).toBe(200);
    return batch.map((e) => e.messageId);
  });
  return (await Promise.all(calls)).flat();
}

test('no accepted event is lost or doubled across a Redis restart, and service comes back by itself', async () => {
  const accepted: string[] = [];
  const refused: number[] = [];
  const record = ({ id, status }: { id: string; status: number }) => {
    if (status === 200) accepted.push(id);
    else refused.push(status);
  };
  for (let i = 0; i < 20; i++) record(await send());
  expect((await readyz(gateway.url)).status).toBe(200);
  // A burst the pipeline is still applying when Redis dies: its batches meet the outage
  // (enrichment requests, notifications) half-way.
  accepted.push(...(await sendBurst()));
  const backlogAtKill = await backlogVia(gateway.url);

  await redis.kill();
  // The gateway notices: /readyz names Redis as the failing check.
  const down = await until('readyz to report redis down', async () => {
    const r = await readyz(gateway.url);
    return r.status === 503 ? r : null;
  });
  expect(down.body.checks.redis?.ok).toBe(false);
  expect(down.body.checks.mongodb?.ok).toBe(true);
  // Events keep arriving while Redis is down.
  const duringOutage = Date.now();
  for (let i = 0; i < 20; i++) record(await send());
  const outageMs = Date.now() - duringOutage;

  await redis.start();
  await until('readyz to recover', async () => (await readyz(gateway.url)).status === 200, 30_000);
  for (let i = 0; i < 20; i++) record(await send());

  // Every accepted event is in the store exactly once, once the pipeline has applied
  // them: in the event logs (what profiles read), not only in the messageId claims.
  await drainedVia(gateway.url);
  const logged = await mongo
    .db(database)
    .collection<{ data: { _id: string } }>('event_log')
    .find({}, { projection: { 'data._id': 1 } })
    .toArray();
  const times = new Map<string, number>();
  for (const entry of logged) times.set(entry.data._id, (times.get(entry.data._id) ?? 0) + 1);
  expect(accepted.filter((id) => times.get(id) !== 1)).toEqual([]);
  expect(logged.length).toBe(accepted.length);
  // What the client sees: every event accepted, through the outage too (Redis is not on
  // the ingestion path: events land in PostgreSQL, and the pipeline's enrichment requests
  // wait at most about a second for the job queue).
  expect(accepted.length).toBe(60 + BURST_SENDERS * BURST_SIZE);
  expect(refused).toEqual([]);
  expect(backlogAtKill).toBeGreaterThan(0);
  expect(outageMs / 20).toBeLessThan(2_000);
}, 120_000);
