import type { Logger } from 'pino';
import { openMosaic } from './compositionRoot';
import type { Config } from './config/env';
import type { Services } from './services';
import type { IdentityGraphStore } from './store/identityGraphStore';
import type { MongoDatabase } from './store/mongo/connection';

export interface ScratchStack {
  services: Services;
  store: IdentityGraphStore;
  db: MongoDatabase;
  /** The run's PostgreSQL schema. */
  pgSchema: string;
  /** Commands sent to the store so far (counted only when opened with `countStoreCommands`). */
  storeCommands(): number;
  /** Closes every connection and, unless kept, drops the database and the schema. */
  close(): Promise<void>;
}

/**
 * The composition root's services for a tool (the identity evaluation, the matching
 * benchmark), over a database and a PostgreSQL schema of their own, with no HTTP server
 * and no job queues. Both are named `<label>_<random>`, so runs never mix.
 */
export async function openScratchStack(
  config: Config,
  logger: Logger,
  options: {
    label: string;
    onTrainingDue?: () => void;
    keep?: boolean;
    countStoreCommands?: boolean;
  },
): Promise<ScratchStack> {
  const mosaic = await openMosaic(config, logger, {
    kind: 'tool',
    scratch: { label: options.label, keep: options.keep === true },
    countStoreCommands: options.countStoreCommands === true,
    ...(options.onTrainingDue ? { onTrainingDue: options.onTrainingDue } : {}),
  });
  return {
    services: mosaic.services,
    store: mosaic.stores.identityGraph,
    db: mosaic.stores.db,
    pgSchema: mosaic.config.postgres.schema,
    storeCommands: () => mosaic.stores.storeCommands(),
    close: () => mosaic.close(),
  };
}
