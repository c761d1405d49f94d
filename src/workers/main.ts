import { createLogger } from '../observability/logger';
import { closeOnSignals, exitOnStartFailure, loadConfigOrExit } from '../processLifecycle';
import { createWorkerApp } from './worker';

/** `npm run worker`: a job worker, configured by the same environment as the gateway. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, 'mosaic-worker');
  const app = await createWorkerApp(config, logger, { concurrency: config.workers.concurrency });
  logger.info({ concurrency: config.workers.concurrency }, 'Mosaic worker running');
  closeOnSignals(() => app.close(), logger, 'finishing running jobs, then stopping');
}

main().catch(exitOnStartFailure('Mosaic worker'));
