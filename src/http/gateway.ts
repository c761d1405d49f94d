import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  NoSchemaIntrospectionCustomRule,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FailureGate } from '../auth/authenticator';
import { sameSecret } from '../auth/secrets';
import type { Principal } from '../auth/roles';
import { ErrorCode, MosaicError } from '../errors';
import { contextFactory, type GraphQLContext } from '../graphql/context';
import { makeFormatError, mosaicGraphQLError } from '../graphql/errors';
import { documentSizeRule } from '../graphql/limits/documentSize';
import { queryShapeRule } from '../graphql/limits/queryShape';
import { operationMetrics } from '../graphql/plugins/operationMetrics';
import { sourceIssuesExtension } from '../graphql/plugins/sourceIssuesExtension';
import type { Metrics } from '../observability/metrics';
import { wellFormedInput } from '../graphql/plugins/wellFormedInput';
import { buildSchema } from '../graphql/schema';
import type { Services } from '../services';
import { parseAuthorization } from '../auth/credentials';
import { persistedQueries, type KeyValueCache } from './persistedQueries';
import type { RateDecision, RateLimiter } from './rateLimiter';
import { readBody } from './readBody';
import { formatWsErrors, formatWsResult, prepareWsOperation } from './wsOperations';
import { isTrackingEndpoint, serveTrackingApi, TRACKING_PREFIX } from './trackingApi';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

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

const GRAPHQL_PATH = '/graphql';
const READINESS_TIMEOUT_MS = 2_000;

export async function createGateway(
  services: Services,
  readiness: ReadinessCheck[],
  options: {
    rateLimiter?: RateLimiter | null;
    /** Served at `/metrics`; none: `/metrics` answers 404. */
    metrics?: Metrics | null;
    /** Failed authentications per client address (MOSAIC_AUTH_FAILURES_PER_MINUTE); off without it. */
    authFailureLimiter?: RateLimiter | null;
    /** Where APQ registrations are kept, shared by replicas; Apollo's in-memory cache without it. */
    apqCache?: KeyValueCache | null;
  } = {},
): Promise<Gateway> {
  const { config, logger } = services;
  const contextFor = contextFactory(services);
  const schema: GraphQLSchema = buildSchema();
  // Checked before anything executes, over HTTP and graphql-ws alike.
  const limits: ValidationRule[] = [
    documentSizeRule({
      maxOperations: config.graphql.maxOperations,
      maxAliases: config.graphql.maxAliases,
    }),
    queryShapeRule({ maxDepth: config.graphql.maxDepth, maxCost: config.graphql.maxCost }),
    ...(config.graphql.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  // Parsing stops at this many tokens: a megabyte of tiny operations costs no more than this.
  const parseOptions = { maxTokens: config.graphql.maxTokens };
  const formatError = makeFormatError(logger, { hideSuggestions: !config.graphql.introspection });
  const persisted = persistedQueries(config.graphql.persistedQueries, options.apqCache ?? null);
  const rateLimiter = options.rateLimiter ?? null;
  const metrics = options.metrics ?? null;
  const failureLimiter = options.authFailureLimiter ?? null;
  const gateFor = (address: string | undefined): FailureGate | null => {
    if (failureLimiter === null) return null;
    const client = `authfail:${address ?? 'unknown'}`;
    return {
      mayLookUp: async () => !(await failureLimiter.exhausted(client)),
      failed: async () => void (await failureLimiter.take(client)),
      retryAfterSeconds: () => failureLimiter.resetSeconds(),
    };
  };
  /** Null when the caller may go on; otherwise the refusal. Auth off (development) is never limited. */
  const overLimit = async (principal: Principal): Promise<RateDecision | null> => {
    if (rateLimiter === null || !services.auth.enabled) return null;
    const decision = await rateLimiter.take(principal.subject);
    return decision.allowed ? null : decision;
  };
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    validationRules: limits,
    parseOptions,
    introspection: config.graphql.introspection,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Mosaic authenticates with an Authorization header, never with cookies, so a
    // cross-site request cannot borrow a user's credentials: CSRF prevention would only
    // block the plain GET requests that GraphQL-over-HTTP requires us to serve.
    csrfPrevention: false,
    persistedQueries: persisted.apollo,
    plugins: [
      wellFormedInput,
      sourceIssuesExtension,
      ...(metrics ? [operationMetrics(metrics)] : []),
      ...persisted.plugins,
    ],
    // We stop Apollo ourselves, after draining HTTP and subscriptions (see `stop`). Its own
    // SIGTERM handler, on by default outside NODE_ENV=test, raced ours and left the
    // process hanging after a signal.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  let inFlight = 0;
  let stopping = false;
  let stopped: Promise<void> | null = null;
  let drained: (() => void) | null = null;

  const server = createServer((req, res) => {
    inFlight++;
    if (metrics) countRequest(metrics, req, res);
    handle(req, res)
      .catch((err: unknown) => {
        logger.error({ err }, 'unhandled error serving HTTP request');
        if (!res.headersSent)
          sendJson(res, 500, {
            errors: [
              {
                message: 'Unexpected error.',
                extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
              },
            ],
          });
        else res.end();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0 && drained) drained();
      });
  });

  // The body limit bounds graphql-ws messages too: a larger frame closes the socket (1009)
  // before it is buffered whole, let alone parsed.
  const wsServer = new WebSocketServer({
    server,
    path: GRAPHQL_PATH,
    maxPayload: config.http.maxBodyBytes,
  });
  const wsRules = { schema, limits, parseOptions };
  // Each open subscription connection and the credential it authenticated with: closed
  // when that API key is revoked (on any replica) or the token expires.
  const connections = new Map<
    WebSocket,
    { principal: Principal; expiry: NodeJS.Timeout | null; subscriptionsOf: () => number }
  >();
  const closeConnection = (socket: WebSocket, code: number, reason: string) => {
    const entry = connections.get(socket);
    if (entry?.expiry) clearTimeout(entry.expiry);
    connections.delete(socket);
    socket.close(code, reason);
  };
  const stopFollowingRevocations = services.auth.onRevoked((apiKeyId) => {
    for (const [socket, { principal }] of connections)
      if (principal.apiKeyId === apiKeyId) closeConnection(socket, 4403, 'Credential revoked');
  });
  metrics?.countSocketsWith(() => {
    let subscriptions = 0;
    for (const { subscriptionsOf } of connections.values()) subscriptions += subscriptionsOf();
    return { connections: connections.size, subscriptions };
  });
  const wsHandle = useServer<Record<string, unknown>, { principal?: Principal }>(
    {
      schema,
      // The credential is checked once, when the connection opens: a refused one closes it
      // with 4403 (graphql-ws's Forbidden).
      onConnect: async (ctx) => {
        if (stopping) {
          ctx.extra.socket.close(1001, 'Server shutting down');
          return false;
        }
        const credentials = parseAuthorization(ctx.connectionParams?.authorization);
        if (credentials === null) return false;
        try {
          const principal = await services.auth.authenticate(
            credentials,
            gateFor(ctx.extra.request.socket.remoteAddress),
          );
          ctx.extra.principal = principal;
          const socket = ctx.extra.socket;
          const left = principal.expiresAt ? principal.expiresAt.getTime() - Date.now() : null;
          connections.set(socket, {
            principal,
            subscriptionsOf: () => Object.keys(ctx.subscriptions).length,
            expiry:
              left === null
                ? null
                : setTimeout(
                    () => closeConnection(socket, 4401, 'Credential expired'),
                    Math.max(0, Math.min(left, 2 ** 31 - 1)),
                  ),
          });
          socket.once('close', () => {
            const entry = connections.get(socket);
            if (entry?.expiry) clearTimeout(entry.expiry);
            connections.delete(socket);
          });
          return true;
        } catch (err) {
          // Over the failed-authentication budget: a code clients retry later, unlike 4403.
          if (err instanceof MosaicError && err.code === ErrorCode.RATE_LIMITED)
            ctx.extra.socket.close(4429, 'Too many failed authentications; retry later');
          if (err instanceof MosaicError) return false;
          throw err;
        }
      },
      // Each subscription counts against the credential's rate, like an HTTP request, and
      // under a safelist its text must be listed; then it is parsed and validated as HTTP
      // requests are (wsOperations.ts).
      onSubscribe: async (ctx, _id, payload) => {
        const refused = await overLimit(ctx.extra.principal!);
        if (refused !== null)
          return [
            mosaicGraphQLError(new MosaicError(ErrorCode.RATE_LIMITED, rateLimitMessage(refused)), {
              retryAfterSeconds: refused.resetSeconds,
            }),
          ];
        const notListed = persisted.screenSubscription(payload.query);
        if (notListed) return [notListed];
        const prepared = prepareWsOperation(wsRules, payload);
        if (Array.isArray(prepared)) return prepared as readonly GraphQLError[];
        const { document } = prepared as { document: DocumentNode };
        return {
          schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
        };
      },
      context: (ctx): GraphQLContext => contextFor(ctx.extra.principal!),
      // One error formatter for both transports: codes and messages as over HTTP, internal
      // errors logged and shown as "Unexpected error.".
      onError: (_ctx, _id, _payload, errors) => {
        const formatted = formatWsErrors(formatError, errors);
        metrics?.countErrors(formatted);
        return formatted;
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (result.errors === undefined) return undefined;
        const formatted = formatWsResult(formatError, result);
        metrics?.countErrors(formatted.errors);
        return formatted;
      },
    },
    wsServer,
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Draining: probes still answer (readiness says 503, so the load balancer moves on);
    // new work is refused with 503 for the client to retry elsewhere, never half-done.
    if (stopping) res.setHeader('Connection', 'close');
    switch (url.pathname) {
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz':
        return sendJson(res, ...(await readinessReport()));
      case '/metrics':
        return serveMetrics(req, res);
    }
    if (stopping) {
      res.setHeader('Retry-After', '1');
      return sendJson(res, 503, {
        errors: [
          {
            message: 'This gateway is shutting down; retry the request (another replica answers)',
            extensions: { code: ErrorCode.SHUTTING_DOWN },
          },
        ],
      });
    }
    switch (url.pathname) {
      case GRAPHQL_PATH:
        return serveGraphQL(req, res, url);
      default:
        if (url.pathname.startsWith(TRACKING_PREFIX))
          return serveTrackingApi(req, res, url.pathname, services, sendJson);
        return sendJson(res, 404, { error: `No route for ${url.pathname}` });
    }
  }

  /**
   * Prometheus text, for a scraper holding MOSAIC_METRICS_KEY (open when authentication is
   * off, in development). Labels hold no personal data, but traffic shapes are still the
   * operator's business.
   */
  async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (metrics === null) return sendJson(res, 404, { error: 'No route for /metrics' });
    if (services.auth.enabled) {
      const key = config.auth.metricsKey;
      const presented = parseAuthorization(req.headers.authorization)?.bearer ?? null;
      if (key === undefined || presented === null || !sameSecret(presented, key)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return sendJson(res, 401, {
          error:
            key === undefined
              ? 'Metrics are closed: set MOSAIC_METRICS_KEY and scrape with "Authorization: Bearer <key>"'
              : 'Metrics need "Authorization: Bearer <MOSAIC_METRICS_KEY>"',
        });
      }
    }
    const { contentType, body } = await metrics.text();
    res.statusCode = 200;
    res.setHeader('Content-Type', contentType);
    res.end(body);
  }

  async function readinessReport(): Promise<[number, unknown]> {
    if (stopping) return [503, { status: 'stopping', checks: {} }];
    const results = await Promise.all(
      readiness.map(async (probe) => {
        const { name } = probe;
        try {
          await withTimeout(
            probe.check(),
            READINESS_TIMEOUT_MS,
            `${name} did not answer within ${READINESS_TIMEOUT_MS} ms`,
          );
          return [name, { ok: true }] as const;
        } catch (err) {
          return [
            name,
            { ok: false, error: err instanceof Error ? err.message : String(err) },
          ] as const;
        }
      }),
    );
    const ok = results.every(([, r]) => r.ok);
    return [
      ok ? 200 : 503,
      {
        status: ok ? 'ready' : 'not ready',
        checks: Object.fromEntries<{ ok: boolean; error?: string }>(results),
      },
    ];
  }

  async function serveGraphQL(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const credentials = parseAuthorization(req.headers.authorization);
    let principal: Principal;
    try {
      if (credentials === null)
        throw new MosaicError(
          ErrorCode.UNAUTHENTICATED,
          'Authorization header must be "Bearer <token>"',
        );
      principal = await services.auth.authenticate(credentials, gateFor(req.socket.remoteAddress));
    } catch (err) {
      if (!(err instanceof MosaicError)) throw err;
      if (err.code === ErrorCode.RATE_LIMITED) {
        const failures = failureLimiter!;
        res.setHeader('Retry-After', String(failures.resetSeconds()));
        return sendJson(res, 429, {
          errors: [{ message: err.message, extensions: { code: err.code } }],
        });
      }
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendJson(res, 401, {
        errors: [{ message: err.message, extensions: { code: err.code } }],
      });
    }
    const refused = await overLimit(principal);
    if (refused !== null) {
      res.setHeader('Retry-After', String(refused.resetSeconds));
      return sendJson(res, 429, {
        errors: [
          { message: rateLimitMessage(refused), extensions: { code: ErrorCode.RATE_LIMITED } },
        ],
      });
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      let raw: Buffer;
      try {
        raw = await readBody(req, config.http.maxBodyBytes);
      } catch (err) {
        if (err instanceof MosaicError) {
          res.setHeader('Connection', 'close'); // do not read the rest of an oversized body
          return sendJson(res, 413, {
            errors: [{ message: err.message, extensions: { code: err.code } }],
          });
        }
        throw err;
      }
      const contentType = headers.get('content-type') ?? '';
      if (
        contentType.startsWith('application/json') ||
        contentType.startsWith('application/graphql-response+json')
      ) {
        try {
          body = raw.length === 0 ? undefined : (JSON.parse(raw.toString('utf8')) as unknown);
        } catch {
          return sendJson(res, 400, {
            errors: [
              {
                message: 'Request body is not valid JSON',
                extensions: { code: ErrorCode.BAD_USER_INPUT },
              },
            ],
          });
        }
      } else {
        body = raw.toString('utf8');
      }
    }

    // Under a safelist, an unlisted operation is refused here, before it is even parsed.
    const refusedQuery = persisted.screen(req.method ?? 'GET', body, url.search);
    if (refusedQuery !== null)
      return sendJson(res, 400, {
        errors: [{ message: refusedQuery.message, extensions: { code: refusedQuery.code } }],
      });
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => Promise.resolve(contextFor(principal)),
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return {
    server,
    listen: (port, host = config.http.host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    stop() {
      stopped ??= stopGracefully();
      return stopped;
    },
  };

  async function stopGracefully(): Promise<void> {
    stopping = true;
    // The listener stays open while requests drain, so /readyz can answer 503 meanwhile.
    server.closeIdleConnections();
    if (inFlight > 0) {
      await withTimeout(
        new Promise<void>((resolve) => (drained = resolve)),
        config.http.shutdownTimeoutMs,
        'in-flight requests did not finish',
      ).catch((err: unknown) =>
        logger.warn({ err, inFlight }, 'shutdown timeout: closing remaining connections'),
      );
    }
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    stopFollowingRevocations();
    for (const { expiry } of connections.values()) if (expiry) clearTimeout(expiry);
    for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
    await wsHandle.dispose();
    server.closeAllConnections();
    await closed;
    await apollo.stop();
  }
}

const KNOWN_ROUTES = new Set([GRAPHQL_PATH, '/healthz', '/readyz', '/metrics']);

/** Counts and times a request under its route (a bounded label: unknown paths are `other`). */
function countRequest(metrics: Metrics, req: IncomingMessage, res: ServerResponse): void {
  const started = process.hrtime.bigint();
  const path = (req.url ?? '/').split('?')[0]!;
  const route = KNOWN_ROUTES.has(path) || isTrackingEndpoint(path) ? path : 'other';
  res.once('finish', () => {
    metrics.httpRequests.inc({
      route,
      method: req.method ?? 'GET',
      status: String(res.statusCode),
    });
    metrics.httpDuration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
  });
}

function rateLimitMessage(d: RateDecision): string {
  return `Rate limit of ${d.limit} requests per minute for this credential reached; retry in ${d.resetSeconds} s`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
