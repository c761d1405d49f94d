import type * as AppModule from './app';
import { createLogger } from './observability/logger';
import { startTracing } from './observability/tracing';
import { closeOnSignals, exitOnStartFailure, loadConfigOrExit } from './processLifecycle';

/** `npm start`: the gateway, configured by environment variables (see README). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  // Before the application loads: the drivers' instrumentations patch them as `require`
  // loads them, so the application is required here, after tracing started.
  const tracing = startTracing(config.tracing, 'mosaic-gateway');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createApp } = require('./app') as typeof AppModule;
  const app = await createApp(config, logger);
  const port = await app.gateway.listen(config.http.port);
  logger.info(
    { port, graphql: `http://localhost:${port}/graphql`, tracing: tracing !== null },
    'Mosaic gateway listening',
  );
  closeOnSignals(
    async () => {
      await app.close();
      await tracing?.shutdown();
    },
    logger,
    'shutting down gracefully',
  );
}

main().catch(exitOnStartFailure('Mosaic'));
