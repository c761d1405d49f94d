import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client of the gateway at `httpUrl`, failing at once rather than retrying. */
export function wsClient(httpUrl: string): Client {
  return createClient({
    url: `${httpUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
}

/** The first message of a subscription (then unsubscribes), or a failure after `ms`. */
export function firstMessage<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  ms = 30_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message within ${ms / 1000} s`)), ms);
    const stop = client.subscribe<T>(
      { query, variables },
      {
        next: (msg) => {
          clearTimeout(timer);
          stop();
          resolve(msg.data as T);
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
        },
        complete: () => undefined,
      },
    );
  });
}
