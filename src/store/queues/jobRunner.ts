import { Worker, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { JobPayloads, QueueName } from '../../workers/queues';
import { redisConnection } from '../redis/connections';
import type { RedisKeys } from '../redis/keys';

/** How this process runs one queue's jobs. Unset options are BullMQ's defaults. */
export interface QueueConsumer<Q extends QueueName> {
  /** Runs one job; a throw fails the attempt, and BullMQ retries it with backoff. */
  run(job: JobPayloads[Q]): Promise<unknown>;
  /** Jobs of this queue running at once in this process. */
  concurrency: number;
  /** A worker that dies mid-job holds its lock this long; then another worker retries it. */
  lockMs?: number;
  /** How often this worker looks for jobs whose worker died. */
  stalledCheckMs?: number;
  /** Shown as `processedBy` on jobs: which process ran (or was running) a job. */
  workerName?: string;
}

export type QueueConsumers = { [Q in QueueName]?: QueueConsumer<Q> };

export interface JobRunner {
  /** Stops taking jobs and lets the running ones finish. */
  close(): Promise<void>;
}

/**
 * Consumes the given queues with BullMQ workers, on one connection of their own (BullMQ
 * adds a blocking one per worker), under the same per-queue prefixes as `JobQueues`.
 * Failures are logged here: BullMQ keeps the failed job, but nobody would see why.
 */
export function runJobs(
  redisUrl: string,
  keys: RedisKeys,
  consumers: QueueConsumers,
  logger: Logger,
  /** Wraps every job's run (a worker times them for `/metrics`); by default, runs it. */
  around: <R>(queue: string, run: () => Promise<R>) => Promise<R> = (_, run) => run(),
): JobRunner {
  const connection = redisConnection(redisUrl, 'queue');
  connection.on('error', (err) => logger.warn({ err }, 'worker redis connection error'));
  const workers = Object.entries(consumers).map(([queue, consumer]) => {
    const c = consumer as QueueConsumer<QueueName>;
    const options: WorkerOptions = {
      connection,
      prefix: keys.queuePrefix(queue),
      concurrency: c.concurrency,
      // Absent, not undefined: BullMQ would take undefined over its own default.
      ...(c.workerName !== undefined && { name: c.workerName }),
      ...(c.lockMs !== undefined && { lockDuration: c.lockMs }),
      ...(c.stalledCheckMs !== undefined && { stalledInterval: c.stalledCheckMs }),
    };
    const worker = new Worker<JobPayloads[QueueName]>(
      queue,
      (job) => around(queue, () => c.run(job.data)),
      options,
    );
    worker.on('failed', (job, err) =>
      logger.warn(
        { err, queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade },
        'job failed',
      ),
    );
    worker.on('error', (err) => logger.warn({ err, queue: worker.name }, 'worker error'));
    return worker;
  });
  let closed: Promise<void> | null = null;
  return {
    close() {
      closed ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        connection.disconnect();
      })();
      return closed;
    },
  };
}
