import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors';
import { contextFactory } from '../graphql/context';
import type { Metrics } from '../observability/metrics';
import type { Services } from '../services';
import { callerLimits } from './callerLimits';
import { serveDashboard } from './dashboardAssets';
import { graphqlHttpHandler, startApollo } from './graphqlHttp';
import { graphqlRules } from './graphqlRules';
import { Lifecycle, refuseWhileDraining } from './lifecycle';
import { countRequest, serveMetrics } from './metricsEndpoint';
import type { KeyValueCache } from './persistedQueries';
import type { RateLimiter } from './rateLimiter';
import { readinessReport, type ReadinessCheck } from './readiness';
import { sendError, sendJson } from './responses';
import { GRAPHQL_PATH, HEALTH_PATH, isDashboardPath, METRICS_PATH, READY_PATH } from './routes';
import { serveSubscriptions } from './subscriptions';
import { serveTrackingApi, TRACKING_PREFIX } from './trackingApi';

export type { ReadinessCheck } from './readiness';

export interface Gateway {
  server: Server;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Graceful stop: refuses new connections, lets in-flight requests finish (up to the
   * configured timeout), closes subscriptions with "going away", then stops Apollo.
   */
  stop(): Promise<void>;
}

export interface GatewayOptions {
  rateLimiter?: RateLimiter | null;
  /** Served at `/metrics`; none: `/metrics` answers 404. */
  metrics?: Metrics | null;
  /** Failed authentications per client address (MOSAIC_AUTH_FAILURES_PER_MINUTE); off without it. */
  authFailureLimiter?: RateLimiter | null;
  /** Where APQ registrations are kept, shared by replicas; Apollo's in-memory cache without it. */
  apqCache?: KeyValueCache | null;
}

/**
 * The HTTP server: GraphQL over HTTP (graphqlHttp.ts) and graphql-ws (subscriptions.ts) on
 * `/graphql`, the tracking API, probes and metrics, the dashboard's files
 * (dashboardAssets.ts), with a graceful stop (lifecycle.ts).
 */
export async function createGateway(
  services: Services,
  readiness: ReadinessCheck[],
  options: GatewayOptions = {},
): Promise<Gateway> {
  const { config, logger, auth } = services;
  const metrics = options.metrics ?? null;
  const rules = graphqlRules(config.graphql, logger, options.apqCache ?? null, (err) =>
    services.store.isUnreachable(err),
  );
  const limits = callerLimits({
    auth,
    rateLimiter: options.rateLimiter ?? null,
    failureLimiter: options.authFailureLimiter ?? null,
  });
  const contextFor = contextFactory(services);
  const apollo = await startApollo(rules, metrics);
  const server = createServer();
  const lifecycle = new Lifecycle(server, {
    shutdownTimeoutMs: config.http.shutdownTimeoutMs,
    logger,
  });
  const subscriptions = serveSubscriptions(server, {
    rules,
    auth,
    limits,
    contextFor,
    metrics,
    maxPayload: config.http.maxBodyBytes,
    draining: () => lifecycle.draining,
  });
  const route = router({
    lifecycle,
    readiness,
    serveGraphQL: graphqlHttpHandler({
      apollo,
      rules,
      auth,
      limits,
      contextFor,
      maxBodyBytes: config.http.maxBodyBytes,
    }),
    serveMetrics: (req, res) =>
      serveMetrics(req, res, {
        metrics,
        authEnabled: auth.enabled,
        metricsKey: config.auth.metricsKey,
      }),
    serveTracking: (req, res, path) => serveTrackingApi(req, res, path, services, sendJson),
    serveDashboard: (req, res, url) => serveDashboard(req, res, url, config.http.dashboardDir),
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (metrics) countRequest(metrics, req, res);
    lifecycle.track(() =>
      route(req, res).catch((err: unknown) => answerUnexpected(res, err, logger)),
    );
  });
  return {
    server,
    listen: (port, host = config.http.host) => lifecycle.listen(port, host),
    stop: () =>
      lifecycle.stop({
        closeSubscriptions: () => subscriptions.close(),
        afterClose: () => apollo.stop(),
      }),
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function router(routes: {
  lifecycle: Lifecycle;
  readiness: readonly ReadinessCheck[];
  serveGraphQL: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
  serveMetrics: Handler;
  serveTracking: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;
  serveDashboard: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
}): Handler {
  const { lifecycle } = routes;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const draining = lifecycle.draining;
    // Draining: probes still answer (readiness says 503, so the load balancer moves on);
    // new work is refused with 503 for the client to retry elsewhere, never half-done.
    if (draining) res.setHeader('Connection', 'close');
    switch (url.pathname) {
      case HEALTH_PATH:
        return sendJson(res, 200, { status: 'ok' });
      case READY_PATH:
        return sendJson(res, ...(await readinessReport(routes.readiness, draining)));
      case METRICS_PATH:
        return routes.serveMetrics(req, res);
    }
    if (draining) return refuseWhileDraining(res);
    if (url.pathname === GRAPHQL_PATH) return routes.serveGraphQL(req, res, url);
    if (url.pathname.startsWith(TRACKING_PREFIX))
      return routes.serveTracking(req, res, url.pathname);
    if (isDashboardPath(url.pathname)) return routes.serveDashboard(req, res, url);
    return sendJson(res, 404, { error: `No route for ${url.pathname}` });
  };
}

/** A bug, not the client's doing: logged in full, answered without detail. */
function answerUnexpected(res: ServerResponse, err: unknown, logger: Logger): void {
  logger.error({ err }, 'unhandled error serving HTTP request');
  if (!res.headersSent) sendError(res, 500, 'Unexpected error.', ErrorCode.INTERNAL_SERVER_ERROR);
  else res.end();
}
