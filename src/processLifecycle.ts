import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config/env';

/**
 * What every Mosaic process (`npm start`, `npm run worker`) does around its work: read the
 * configuration or exit 2 naming every bad variable, stop gracefully on SIGTERM/SIGINT,
 * and exit 1 with the reason when it cannot start.
 */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs `close` once on the first SIGTERM or SIGINT, then exits (1 if closing failed). */
export function closeOnSignals(close: () => Promise<void>, logger: Logger, what: string): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, what);
    close().then(
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

export function exitOnStartFailure(name: string): (err: unknown) => never {
  return (err) => {
    process.stderr.write(
      `${name} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  };
}
