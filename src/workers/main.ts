import { ConfigError, loadConfig } from '../config/env';
import { createLogger } from '../observability/logger';
import { createWorkerApp } from './worker';

/** `npm run worker`: a job worker, configured by the same environment as the gateway. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, 'mosaic-worker');
  const app = await createWorkerApp(config, logger, { concurrency: config.workers.concurrency });
  logger.info({ concurrency: config.workers.concurrency }, 'Mosaic worker running');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'finishing running jobs, then stopping');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `Mosaic worker failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
