import type { Db } from 'mongodb';
import { CrmContactService } from '../../src/crm/crmContactService';
import { IdentifierPolicy } from '../../src/identity/identifierPolicy';
import { IdentityGraph } from '../../src/identity/identityGraph';
import { IdentityResolver } from '../../src/identity/resolver';
import { EventIngestionService } from '../../src/ingest/eventIngestionService';
import { ProfileReader } from '../../src/profiles/profileReader';
import {
  type Collections,
  collections,
  ensureCollections,
} from '../../src/store/mongo/collections';
import { connectMongo, type MongoConnection } from '../../src/store/mongo/connection';
import { MongoIdentityGraphStore } from '../../src/store/mongo/mongoIdentityGraphStore';
import type { Config } from '../../src/config/env';
import { testConfig, uniqueDatabaseName } from './env';

/** The identity services over a real store, in a database of the test file's own. */
export interface TestStack {
  config: Config;
  db: Db;
  cols: Collections;
  store: MongoIdentityGraphStore;
  policy: IdentifierPolicy;
  graph: IdentityGraph;
  resolver: IdentityResolver;
  crm: CrmContactService;
  events: EventIngestionService;
  reader(): ProfileReader;
  /** A second, independent stack on its own connection to the same database. */
  connectAnother(): Promise<TestStack>;
  close(): Promise<void>;
}

export async function openTestStack(
  label: string,
  overrides: Record<string, string> = {},
): Promise<TestStack> {
  const config = testConfig(overrides);
  const dbName = uniqueDatabaseName(label);
  return stackOn(config, dbName, true);
}

async function stackOn(config: Config, dbName: string, owner: boolean): Promise<TestStack> {
  const conn: MongoConnection = await connectMongo(config.mongo.uri, dbName);
  const cols = collections(conn.db);
  if (owner) await ensureCollections(conn.db);
  const store = new MongoIdentityGraphStore(cols);
  const policy = new IdentifierPolicy(config.identity);
  const graph = new IdentityGraph(store);
  const resolver = new IdentityResolver(store, graph, config.identity.limits);
  const others: TestStack[] = [];
  return {
    config,
    db: conn.db,
    cols,
    store,
    policy,
    graph,
    resolver,
    crm: new CrmContactService(policy, resolver),
    events: new EventIngestionService(store, policy, resolver, config.ingest.maxEventsPerRequest),
    reader: () => new ProfileReader(store, policy),
    async connectAnother() {
      const other = await stackOn(config, dbName, false);
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all(others.map((o) => o.close()));
      if (owner) await conn.db.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
}

/**
 * Counts of every collection, to prove that rejected input wrote nothing. Gold documents
 * are left out: they are a cache that reads fill and that background work (an enrichment
 * job finishing) fences at any moment, whatever the request under test did.
 */
export async function collectionCounts(cols: Collections): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(cols)
      .filter(([name]) => name !== 'goldProfiles')
      .map(
        async ([name, col]: [string, Collections[keyof Collections]]) =>
          [name, await col.countDocuments({})] as const,
      ),
  );
  return Object.fromEntries(entries);
}
