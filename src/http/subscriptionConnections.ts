import type { WebSocket } from 'ws';
import type { Principal } from '../auth/roles';

interface OpenConnection {
  principal: Principal;
  /** Closes the socket when the credential expires; null for credentials that do not. */
  expiry: NodeJS.Timeout | null;
  subscriptionsOf: () => number;
}

/** Node timers hold at most 2^31-1 ms (about 24.8 days); a longer wait would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Each open subscription connection and the credential it authenticated with, so that it
 * is closed when that API key is revoked (on any replica) or the token expires: checked
 * once when the connection opens, a credential must not outlive its validity there.
 */
export class SubscriptionConnections {
  private readonly open = new Map<WebSocket, OpenConnection>();

  add(socket: WebSocket, principal: Principal, subscriptionsOf: () => number): void {
    const left = principal.expiresAt ? principal.expiresAt.getTime() - Date.now() : null;
    this.open.set(socket, {
      principal,
      subscriptionsOf,
      expiry:
        left === null
          ? null
          : setTimeout(
              () => this.close(socket, 4401, 'Credential expired'),
              Math.max(0, Math.min(left, MAX_TIMER_MS)),
            ),
    });
    socket.once('close', () => this.forget(socket));
  }

  /** Closes the connections authenticated with this API key (4403, graphql-ws's Forbidden). */
  closeRevoked(apiKeyId: string): void {
    for (const [socket, { principal }] of this.open)
      if (principal.apiKeyId === apiKeyId) this.close(socket, 4403, 'Credential revoked');
  }

  /** Open connections and their subscriptions, for the metrics' socket gauges. */
  counts(): { connections: number; subscriptions: number } {
    let subscriptions = 0;
    for (const { subscriptionsOf } of this.open.values()) subscriptions += subscriptionsOf();
    return { connections: this.open.size, subscriptions };
  }

  /** At shutdown, before the sockets are closed: no expiry may fire afterwards. */
  stopExpiries(): void {
    for (const { expiry } of this.open.values()) if (expiry) clearTimeout(expiry);
  }

  private close(socket: WebSocket, code: number, reason: string): void {
    this.forget(socket);
    socket.close(code, reason);
  }

  private forget(socket: WebSocket): void {
    const entry = this.open.get(socket);
    if (entry?.expiry) clearTimeout(entry.expiry);
    this.open.delete(socket);
  }
}
