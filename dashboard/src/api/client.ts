import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import { AUTH_CLOSE_CODES, isAuthFailure } from './errors';

/** The subscription socket's state, shown so a person knows whether the page is live. */
export type LiveStatus = 'idle' | 'connecting' | 'live' | 'offline';

export interface ApiClient {
  apollo: ApolloClient;
  live: { get: () => LiveStatus; subscribe: (listener: () => void) => () => void };
  close(): void;
}

function liveStatus() {
  let status: LiveStatus = 'idle';
  const listeners = new Set<() => void>();
  return {
    get: () => status,
    set: (next: LiveStatus) => {
      status = next;
      for (const l of listeners) l();
    },
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

const GRAPHQL_PATH = '/graphql';

function websocketUrl(): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

const isCloseEvent = (e: unknown): e is CloseEvent =>
  typeof e === 'object' && e !== null && 'code' in e && 'reason' in e;

/**
 * Apollo Client over HTTP for queries and mutations and graphql-ws for subscriptions, the
 * clients frontend teams use, both carrying the API key. `onAuthLost` hears a refused key
 * from either: an HTTP 401 or a subscription socket closed with 4401/4403.
 */
export function createApiClient(apiKey: string, onAuthLost: (message: string) => void): ApiClient {
  const authorization = `Bearer ${apiKey}`;
  const live = liveStatus();
  const ws = createClient({
    url: websocketUrl(),
    connectionParams: { authorization },
    lazy: true,
    // A dropped socket is retried (a gateway restart, a flaky network); a refused key is not.
    retryAttempts: 8,
    shouldRetry: (e) => !(isCloseEvent(e) && e.code in AUTH_CLOSE_CODES),
    on: {
      connecting: () => live.set('connecting'),
      connected: () => live.set('live'),
      closed: (e) => {
        // 1000: graphql-ws closing a lazy socket with no subscription left, not a failure.
        live.set(isCloseEvent(e) && e.code === 1000 ? 'idle' : 'offline');
        if (isCloseEvent(e) && e.code in AUTH_CLOSE_CODES) onAuthLost(AUTH_CLOSE_CODES[e.code]!);
      },
    },
  });
  const refused = new ErrorLink(({ error }) => {
    if (isAuthFailure(error))
      onAuthLost('The gateway refused this key: it is wrong, expired or revoked.');
  });
  const http = new HttpLink({ uri: GRAPHQL_PATH, headers: { authorization } });
  const link = ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(ws),
    refused.concat(http),
  );
  const apollo = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        // The queue is read whole each time: a new answer replaces the old list, unmerged.
        Query: { fields: { reviewQueue: { merge: false } } },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return {
    apollo,
    live: { get: live.get, subscribe: live.subscribe },
    close() {
      void ws.dispose();
      apollo.stop();
    },
  };
}
