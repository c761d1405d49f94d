import { createApp } from './app';
import { createLogger } from './observability/logger';
import { closeOnSignals, exitOnStartFailure, loadConfigOrExit } from './processLifecycle';

/** `npm start`: the gateway, configured by environment variables (see README). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, logger);
  const port = await app.gateway.listen(config.http.port);
  logger.info({ port, graphql: `http://localhost:${port}/graphql` }, 'Mosaic gateway listening');
  closeOnSignals(() => app.close(), logger, 'shutting down gracefully');
}

main().catch(exitOnStartFailure('Mosaic'));
