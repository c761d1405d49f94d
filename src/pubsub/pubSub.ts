/**
 * Fan-out of change notifications to every gateway replica. Payloads carry ids only, never
 * personal data: subscribers load what they are allowed to see.
 */
export interface PubSub {
  publish(channel: string, payload: unknown): Promise<void>;
  /** Messages on `channel` from now on; `return()` on the iterator unsubscribes. */
  subscribe<T>(channel: string): AsyncIterableIterator<T>;
  close(): Promise<void>;
}
