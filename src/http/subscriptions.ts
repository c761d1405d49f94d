import type { Server } from 'node:http';
import type { DocumentNode, ExecutionArgs, GraphQLError } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Authenticator } from '../auth/authenticator';
import { parseAuthorization } from '../auth/credentials';
import type { Principal } from '../auth/roles';
import { ErrorCode, MosaicError } from '../errors';
import type { GraphQLContext } from '../graphql/context';
import { mosaicGraphQLError } from '../graphql/errors';
import type { Metrics } from '../observability/metrics';
import { rateLimitMessage, type CallerLimits } from './callerLimits';
import type { GraphQLRules } from './graphqlRules';
import { GRAPHQL_PATH } from './routes';
import { SubscriptionConnections } from './subscriptionConnections';
import { formatWsErrors, formatWsResult, prepareWsOperation } from './wsOperations';

export interface SubscriptionDeps {
  rules: GraphQLRules;
  auth: Pick<Authenticator, 'authenticate' | 'onRevoked'>;
  limits: CallerLimits;
  contextFor: (principal: Principal) => GraphQLContext;
  metrics: Metrics | null;
  /** The HTTP body limit, which bounds graphql-ws messages too. */
  maxPayload: number;
  /** True once the gateway drains: new connections are turned away. */
  draining: () => boolean;
}

export interface Subscriptions {
  /** At shutdown: revocations no longer followed, every connection closed with 1001 (going away). */
  close(): Promise<void>;
}

type ConnectionContext = Context<Record<string, unknown>, Extra & { principal?: Principal }>;

/** graphql-ws on `/graphql`, beside HTTP: the same schema, rules, limits and error shapes. */
export function serveSubscriptions(server: Server, deps: SubscriptionDeps): Subscriptions {
  // A frame over the limit closes the socket (1009) before it is buffered whole, let alone parsed.
  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: deps.maxPayload });
  const connections = new SubscriptionConnections();
  const stopFollowingRevocations = deps.auth.onRevoked((apiKeyId) =>
    connections.closeRevoked(apiKeyId),
  );
  deps.metrics?.countSocketsWith(() => connections.counts());
  const { formatError } = deps.rules;
  const wsHandle = useServer<Record<string, unknown>, { principal?: Principal }>(
    {
      schema: deps.rules.schema,
      onConnect: (ctx) => connect(ctx, deps, connections),
      onSubscribe: (ctx, _id, payload) => admit(ctx.extra.principal!, payload, deps),
      context: (ctx): GraphQLContext => deps.contextFor(ctx.extra.principal!),
      // One error formatter for both transports: codes and messages as over HTTP, internal
      // errors logged and shown as "Unexpected error.".
      onError: (_ctx, _id, _payload, errors) => {
        const formatted = formatWsErrors(formatError, errors);
        deps.metrics?.countErrors(formatted);
        return formatted;
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (result.errors === undefined) return undefined;
        const formatted = formatWsResult(formatError, result);
        deps.metrics?.countErrors(formatted.errors);
        return formatted;
      },
    },
    wsServer,
  );
  return {
    async close() {
      stopFollowingRevocations();
      connections.stopExpiries();
      for (const client of wsServer.clients) client.close(1001, 'Server shutting down');
      await wsHandle.dispose();
    },
  };
}

/**
 * The credential is checked once, when the connection opens: a refused one closes it with
 * 4403 (graphql-ws's Forbidden); the connection is then followed until it expires or is
 * revoked (subscriptionConnections.ts).
 */
async function connect(
  ctx: ConnectionContext,
  deps: SubscriptionDeps,
  connections: SubscriptionConnections,
): Promise<boolean> {
  const { socket, request } = ctx.extra;
  if (deps.draining()) {
    socket.close(1001, 'Server shutting down');
    return false;
  }
  const credentials = parseAuthorization(ctx.connectionParams?.authorization);
  if (credentials === null) return false;
  try {
    const principal = await deps.auth.authenticate(
      credentials,
      deps.limits.failureGate(request.socket.remoteAddress),
    );
    ctx.extra.principal = principal;
    connections.add(socket, principal, () => Object.keys(ctx.subscriptions).length);
    return true;
  } catch (err) {
    // Over the failed-authentication budget: a code clients retry later, unlike 4403.
    if (err instanceof MosaicError && err.code === ErrorCode.RATE_LIMITED)
      socket.close(4429, 'Too many failed authentications; retry later');
    if (err instanceof MosaicError) return false;
    throw err;
  }
}

/**
 * Each subscription counts against the credential's rate, like an HTTP request, and under
 * a safelist its text must be listed; then it is parsed and validated as HTTP requests
 * are (wsOperations.ts).
 */
async function admit(
  principal: Principal,
  payload: SubscribePayload,
  deps: Pick<SubscriptionDeps, 'limits' | 'rules'>,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const refused = await deps.limits.overLimit(principal);
  if (refused !== null)
    return [
      mosaicGraphQLError(new MosaicError(ErrorCode.RATE_LIMITED, rateLimitMessage(refused)), {
        retryAfterSeconds: refused.resetSeconds,
      }),
    ];
  const notListed = deps.rules.persisted.screenSubscription(payload.query);
  if (notListed) return [notListed];
  const prepared = prepareWsOperation(deps.rules, payload);
  if (Array.isArray(prepared)) return prepared as readonly GraphQLError[];
  const { document } = prepared as { document: DocumentNode };
  return {
    schema: deps.rules.schema,
    document,
    operationName: payload.operationName ?? null,
    variableValues: payload.variables ?? null,
  };
}
