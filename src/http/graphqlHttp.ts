import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { Authenticator } from '../auth/authenticator';
import { parseAuthorization } from '../auth/credentials';
import type { Principal } from '../auth/roles';
import { ErrorCode, MosaicError } from '../errors';
import type { GraphQLContext } from '../graphql/context';
import { operationMetrics } from '../graphql/plugins/operationMetrics';
import { operationTracing } from '../graphql/plugins/tracing';
import { sourceIssuesExtension } from '../graphql/plugins/sourceIssuesExtension';
import { wellFormedInput } from '../graphql/plugins/wellFormedInput';
import type { Metrics } from '../observability/metrics';
import { rateLimitMessage, type CallerLimits } from './callerLimits';
import type { GraphQLRules } from './graphqlRules';
import { readBody } from './readBody';
import { sendError } from './responses';

/** Apollo Server over the shared rules, started; the gateway stops it after draining. */
export async function startApollo(
  rules: GraphQLRules,
  metrics: Metrics | null,
): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    schema: rules.schema,
    validationRules: rules.limits,
    parseOptions: rules.parseOptions,
    introspection: rules.introspection,
    formatError: rules.formatError,
    includeStacktraceInErrorResponses: false,
    // Mosaic authenticates with an Authorization header, never with cookies, so a
    // cross-site request cannot borrow a user's credentials: CSRF prevention would only
    // block the plain GET requests that GraphQL-over-HTTP requires us to serve.
    csrfPrevention: false,
    persistedQueries: rules.persisted.apollo,
    plugins: [
      wellFormedInput,
      sourceIssuesExtension,
      ...(metrics ? [operationMetrics(metrics)] : []),
      // Spans only when tracing was started (observability/tracing.ts); else the API's no-ops.
      operationTracing(),
      ...rules.persisted.plugins,
    ],
    // We stop Apollo ourselves, after draining HTTP and subscriptions (lifecycle.ts). Its
    // own SIGTERM handler, on by default outside NODE_ENV=test, raced ours and left the
    // process hanging after a signal.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  return apollo;
}

export interface GraphQLHttpDeps {
  apollo: ApolloServer<GraphQLContext>;
  rules: GraphQLRules;
  auth: Pick<Authenticator, 'authenticate'>;
  limits: CallerLimits;
  contextFor: (principal: Principal) => GraphQLContext;
  maxBodyBytes: number;
}

/**
 * `/graphql` over HTTP: the caller is authenticated and rate-limited, the body read within
 * its limit and, under a safelist, screened before Apollo parses anything.
 */
export function graphqlHttpHandler(
  deps: GraphQLHttpDeps,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const principal = await authenticated(req, res, deps);
    if (principal === null) return;
    const refused = await deps.limits.overLimit(principal);
    if (refused !== null) {
      res.setHeader('Retry-After', String(refused.resetSeconds));
      return sendError(res, 429, rateLimitMessage(refused), ErrorCode.RATE_LIMITED);
    }
    const method = req.method ?? 'GET';
    const headers = headerMap(req);
    const body =
      method === 'POST'
        ? await readGraphQLBody(req, res, headers.get('content-type') ?? '', deps.maxBodyBytes)
        : { value: undefined };
    if (body === null) return;
    // Under a safelist, an unlisted operation is refused here, before it is even parsed.
    const refusedQuery = deps.rules.persisted.screen(method, body.value, url.search);
    if (refusedQuery !== null) return sendError(res, 400, refusedQuery.message, refusedQuery.code);
    const result = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body: body.value },
      context: () => Promise.resolve(deps.contextFor(principal)),
    });
    await sendApolloResponse(res, result);
  };
}

/**
 * The caller's principal, or null once they are refused: 401 for a missing, malformed or
 * unknown credential, 429 when their address has failed too often.
 */
async function authenticated(
  req: IncomingMessage,
  res: ServerResponse,
  deps: Pick<GraphQLHttpDeps, 'auth' | 'limits'>,
): Promise<Principal | null> {
  const credentials = parseAuthorization(req.headers.authorization);
  try {
    if (credentials === null)
      throw new MosaicError(
        ErrorCode.UNAUTHENTICATED,
        'Authorization header must be "Bearer <token>"',
      );
    return await deps.auth.authenticate(
      credentials,
      deps.limits.failureGate(req.socket.remoteAddress),
    );
  } catch (err) {
    if (!(err instanceof MosaicError)) throw err;
    if (err.code === ErrorCode.RATE_LIMITED) {
      res.setHeader('Retry-After', String(deps.limits.failureRetryAfterSeconds()));
      sendError(res, 429, err.message, err.code);
      return null;
    }
    res.setHeader('WWW-Authenticate', 'Bearer');
    sendError(res, 401, err.message, err.code);
    return null;
  }
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * A POST body as Apollo takes it: JSON parsed, any other content type as text (Apollo
 * answers those itself). Null once refused: 413 over the size limit, 400 for bad JSON.
 */
async function readGraphQLBody(
  req: IncomingMessage,
  res: ServerResponse,
  contentType: string,
  maxBytes: number,
): Promise<{ value: unknown } | null> {
  let raw: Buffer;
  try {
    raw = await readBody(req, maxBytes);
  } catch (err) {
    if (!(err instanceof MosaicError)) throw err;
    res.setHeader('Connection', 'close'); // do not read the rest of an oversized body
    sendError(res, 413, err.message, err.code);
    return null;
  }
  if (
    !contentType.startsWith('application/json') &&
    !contentType.startsWith('application/graphql-response+json')
  )
    return { value: raw.toString('utf8') };
  try {
    return { value: raw.length === 0 ? undefined : (JSON.parse(raw.toString('utf8')) as unknown) };
  } catch {
    sendError(res, 400, 'Request body is not valid JSON', ErrorCode.BAD_USER_INPUT);
    return null;
  }
}

async function sendApolloResponse(res: ServerResponse, result: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of result.headers) res.setHeader(key, value);
  res.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    res.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}
