import { MongoClient } from 'mongodb';
import { createApp, type App } from '../../../src/app';
import type { Config } from '../../../src/config/env';
import { createLogger } from '../../../src/observability/logger';
import { JobQueues } from '../../../src/store/queues/jobQueues';
import { redisKeys } from '../../../src/store/redis/keys';
import { dropSchemaAndKeys } from '../../lib/dropScratch';
import type { LoadRun } from '../../lib/load';
import { mongoUriOf } from './appliers';
import { BronzeProbe } from './bronzeProbe';
import { sendAll, trackingApi, type Send } from './senders';
import type { Call } from './streams';

/**
 * One store of the run: a MongoDB database and a PostgreSQL schema of its own (named
 * after the run's tag and the round), a gateway that runs no pipeline (MOSAIC_PIPELINE=
 * worker), so that `/v1/batch` only accepts, and the bench's own view of its bronze
 * tables and enrichment queue. Everything is dropped on close unless kept.
 */
export interface Round {
  label: string;
  database: string;
  schema: string;
  /** The gateway's configuration (the in-process worker's too). */
  config: Config;
  mongoUri: string;
  app: App;
  probe: BronzeProbe;
  send: Send;
  enrichment: JobQueues['enrichment'];
  /** Every batch through `/v1/batch`, `concurrency` senders at a time. */
  accept(batches: readonly Call[][], concurrency: number): Promise<LoadRun>;
  /** The same batches as a raw `insertMany` into the profile store (keyed by messageId). */
  insertMany(batches: readonly Call[][], concurrency: number): Promise<LoadRun>;
  close(keep: boolean): Promise<void>;
}

export async function openRound(
  base: Config,
  run: { tag: string; label: string; writeKey: string; maxBacklog: number },
): Promise<Round> {
  const database = `mosaic_bench_ingest_${run.tag}_${run.label}`;
  const schema = `bench_ingest_${run.tag}_${run.label}`;
  const config: Config = {
    ...base,
    postgres: { ...base.postgres, schema },
    auth: { ...base.auth, writeKey: run.writeKey },
    // Only acceptance is measured at the gateway: the pipeline runs in the bench's workers.
    pipeline: { ...base.pipeline, runIn: 'worker' },
    ingest: { ...base.ingest, maxBacklog: run.maxBacklog },
  };
  const logger = createLogger('silent', 'mosaic-bench');
  const app = await createApp(config, logger, { database });
  const probe = new BronzeProbe(config.postgres.url, schema);
  const queues = new JobQueues(config.redis.url, redisKeys(database), logger);
  const mongo = new MongoClient(base.mongo.uri, { maxPoolSize: 50, retryWrites: false });
  try {
    await mongo.connect();
    // A gateway migrates PostgreSQL in the background: the bronze tables must be there.
    await probe.migrated();
  } catch (err) {
    await Promise.allSettled([app.close(), probe.close(), queues.close(), mongo.close()]);
    throw err;
  }
  const port = await app.gateway.listen(0, '127.0.0.1');
  const send = trackingApi(`http://127.0.0.1:${port}`, run.writeKey);
  const raw = mongo.db(database).collection<Call & { _id: string }>('raw_events');
  return {
    label: run.label,
    database,
    schema,
    config,
    mongoUri: mongoUriOf(base.mongo.uri, database),
    app,
    probe,
    send,
    enrichment: queues.enrichment,
    accept: (batches, concurrency) => sendAll(batches, concurrency, send),
    async insertMany(batches, concurrency) {
      const result = await sendAll(batches, concurrency, async (batch) => {
        // The documents a store of raw events would hold: the call, keyed by messageId.
        await raw.insertMany(
          batch.map((c) => ({ ...c, _id: String(c.messageId), receivedAt: new Date() })),
        );
      });
      await raw.drop().catch(() => undefined);
      return result;
    },
    async close(keep) {
      await Promise.allSettled([app.close(), probe.close(), queues.close()]);
      if (!keep) {
        await mongo
          .db(database)
          .dropDatabase()
          .catch(() => undefined);
        await dropSchemaAndKeys(base, database, schema);
      }
      await mongo.close();
    },
  };
}
