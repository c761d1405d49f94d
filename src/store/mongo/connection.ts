import { MongoClient, type Db } from 'mongodb';

/**
 * The store's database handle: what code outside `store/mongo/` names when it hands the
 * database to tests, benchmarks and tools that inspect what was written (never the driver).
 */
export type MongoDatabase = Db;

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Connects to a MongoDB-compatible server (MongoDB 6+, Atlas, or FerretDB). The database
 * is the one named in the URI path, `mosaic` when there is none.
 */
export async function connectMongo(
  uri: string,
  databaseOverride?: string,
  options: { monitorCommands?: boolean } = {},
): Promise<MongoConnection> {
  const client = new MongoClient(uri, {
    ...options,
    // Fail fast when the store is down, so /readyz and requests report it instead of hanging.
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    maxPoolSize: 50,
    retryWrites: false, // FerretDB does not support retryable writes; our writes are idempotent anyway.
  });
  await client.connect();
  const dbName =
    databaseOverride ??
    (new URL(uri.replace(/^mongodb\+srv:/, 'mongodb:')).pathname.slice(1) || 'mosaic');
  const db = client.db(dbName);
  return { client, db, close: () => client.close() };
}

export async function pingMongo(db: Db): Promise<void> {
  await db.command({ ping: 1 });
}
