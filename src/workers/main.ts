import type * as WorkerModule from './worker';
import { createLogger } from '../observability/logger';
import { startTracing } from '../observability/tracing';
import { closeOnSignals, exitOnStartFailure, loadConfigOrExit } from '../processLifecycle';

/** `npm run worker`: a job worker, configured by the same environment as the gateway. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, 'mosaic-worker');
  // Before the worker loads: the drivers' instrumentations patch them as `require` loads them.
  const tracing = startTracing(config.tracing, 'mosaic-worker');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createWorkerApp } = require('./worker') as typeof WorkerModule;
  const app = await createWorkerApp(config, logger, { concurrency: config.workers.concurrency });
  logger.info(
    {
      concurrency: config.workers.concurrency,
      metricsPort: app.metricsServer?.port ?? null,
      tracing: tracing !== null,
    },
    'Mosaic worker running',
  );
  closeOnSignals(
    async () => {
      await app.close();
      await tracing?.shutdown();
    },
    logger,
    'finishing running jobs, then stopping',
  );
}

main().catch(exitOnStartFailure('Mosaic worker'));
