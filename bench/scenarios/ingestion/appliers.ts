import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino, { type Logger } from 'pino';
import { openMosaic } from '../../../src/compositionRoot';
import type { Config } from '../../../src/config/env';

const ROOT = join(__dirname, '..', '..', '..');
const WORKER_ENTRY = join(ROOT, 'src', 'workers', 'main.ts');

/** How the bench's pipeline workers are configured (MOSAIC_PIPELINE_*). */
export interface PipelineSettings {
  batch: number;
  concurrency: number;
  bulkConcurrency: number;
  pollMs: number;
  leaseMs: number;
}

/** One batch the pipeline applied, from its debug log line. */
export interface BatchLog {
  lane: string;
  events: number;
  ms: number;
}

/** Something that runs the resolution pipeline: a worker process, or one in this process. */
export interface Applier {
  label: string;
  /** The OS process (null: this one). */
  pid: number | null;
  batches: BatchLog[];
  /** Warnings and errors it logged (a failed or recovered batch would show here). */
  problems: string[];
  stop(): Promise<void>;
}

/** Reads a Mosaic log line: batch timings and anything at warn or above. */
function observe(line: string, applier: Pick<Applier, 'batches' | 'problems'>): string | null {
  let entry: {
    msg?: string;
    level?: number;
    lane?: string;
    events?: number;
    ms?: number;
    err?: { message?: string };
  };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return null;
  }
  if (entry.msg === 'applied a batch' && entry.events !== undefined && entry.ms !== undefined)
    applier.batches.push({ lane: entry.lane ?? '?', events: entry.events, ms: entry.ms });
  else if ((entry.level ?? 0) >= 40 && applier.problems.length < 20)
    applier.problems.push(
      `${entry.msg ?? '?'}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 300),
    );
  return entry.msg ?? null;
}

/** The store URI of `database`: the gateway's URI with its path replaced. */
export function mongoUriOf(uri: string, database: string): string {
  const url = new URL(uri);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * `n` worker processes, as `npm run worker` starts them (`node --import tsx
 * src/workers/main.ts`, configured by environment only), each running the pipeline and
 * consuming the job queues; resolves once every one logged that it runs.
 */
export async function startWorkerProcesses(
  n: number,
  run: { mongoUri: string; schema: string; settings: PipelineSettings; label: string },
): Promise<Applier[]> {
  const s = run.settings;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_URI: run.mongoUri,
    POSTGRES_SCHEMA: run.schema,
    MOSAIC_PIPELINE: 'worker',
    MOSAIC_PIPELINE_BATCH: String(s.batch),
    MOSAIC_PIPELINE_CONCURRENCY: String(s.concurrency),
    MOSAIC_PIPELINE_BULK_CONCURRENCY: String(s.bulkConcurrency),
    MOSAIC_PIPELINE_POLL_MS: String(s.pollMs),
    MOSAIC_PIPELINE_LEASE_MS: String(s.leaseMs),
    // Debug: the pipeline logs each batch's size and time (nothing else logs at debug).
    LOG_LEVEL: 'debug',
  };
  delete env.MOSAIC_WORKER_METRICS_PORT;
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      startWorkerProcess(
        { ...env, MOSAIC_WORKER_NAME: `${run.label}-${i + 1}` },
        `worker ${i + 1}`,
      ),
    ),
  );
}

function startWorkerProcess(env: NodeJS.ProcessEnv, label: string): Promise<Applier> {
  // node itself, not the tsx CLI wrapper: SIGTERM must reach the worker.
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const applier: Applier = {
    label,
    pid: child.pid ?? null,
    batches: [],
    problems: [],
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`a worker process did not start within 60 s:\n${stderr}`));
    }, 60_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`a worker process exited with ${code} before running:\n${stderr}`));
    });
    // BENCH_INGEST_WORKER_LOG=DIR keeps each worker's log as DIR/<name>-<pid>.log.
    const dir = process.env.BENCH_INGEST_WORKER_LOG;
    const file = dir
      ? createWriteStream(join(dir, `${env.MOSAIC_WORKER_NAME}-${child.pid}.log`))
      : null;
    if (file) child.stderr.pipe(file, { end: false });
    createInterface({ input: child.stdout }).on('line', (line) => {
      file?.write(`${line}\n`);
      if (observe(line, applier) === 'Mosaic worker running') {
        clearTimeout(timer);
        resolve(applier);
      }
    });
  });
}

/** A pipeline in this process that counts the store commands it sends (no job consumers). */
export interface CountedApplier extends Applier {
  storeCommands(): number;
  storeCommandsByKind(): Map<string, number>;
  /** The most statements one `update` command carried (a bulk write's replaces, say). */
  largestUpdate(): number;
  resetLargestUpdate(): void;
}

export async function openCountedWorker(
  config: Config,
  database: string,
  settings: PipelineSettings,
): Promise<CountedApplier> {
  const applier = { batches: [] as BatchLog[], problems: [] as string[] };
  const logger: Logger = pino(
    { level: 'debug', base: null },
    { write: (line: string) => void observe(line, applier) },
  );
  const mosaic = await openMosaic(
    {
      ...config,
      pipeline: {
        ...config.pipeline,
        batchSize: settings.batch,
        concurrency: settings.concurrency,
        bulkConcurrency: settings.bulkConcurrency,
        pollMs: settings.pollMs,
        leaseMs: settings.leaseMs,
      },
    },
    logger,
    { kind: 'worker', database, pipeline: true, countStoreCommands: true },
  );
  // Command monitoring is on (countStoreCommands): the statements of each update command.
  let largestUpdate = 0;
  mosaic.stores.db.client.on('commandStarted', (event) => {
    const updates = (event.command as { updates?: unknown[] }).updates;
    if (event.commandName === 'update' && Array.isArray(updates))
      largestUpdate = Math.max(largestUpdate, updates.length);
  });
  return {
    label: 'in-process worker, counting store commands',
    pid: null,
    ...applier,
    stop: () => mosaic.close(),
    storeCommands: () => mosaic.stores.storeCommands(),
    storeCommandsByKind: () => mosaic.stores.storeCommandsByKind(),
    largestUpdate: () => largestUpdate,
    resetLargestUpdate: () => void (largestUpdate = 0),
  };
}
