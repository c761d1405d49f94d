import type { Logger } from 'pino';
import type { PubSub } from '../../pubsub/pubSub';
import { redisConnection, type RedisClient } from './connections';
import type { RedisKeys } from './keys';

/** Messages buffered per subscriber before the oldest are dropped (a stalled client must not exhaust memory). */
const MAX_BUFFERED = 1_000;

/**
 * PubSub over Redis PUBLISH/SUBSCRIBE: one subscriber connection per process, shared by
 * all subscriptions, with a reference count per channel.
 */
export class RedisPubSub implements PubSub {
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(
    redisUrl: string,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    this.publisher = redisConnection(redisUrl, 'publisher');
    this.subscriber = redisConnection(redisUrl, 'subscriber');
    for (const conn of [this.publisher, this.subscriber]) {
      conn.on('error', (err) => this.logger.warn({ err }, 'redis pub/sub connection error'));
    }
    this.subscriber.on('message', (channel: string, message: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      let payload: unknown;
      try {
        payload = JSON.parse(message);
      } catch (err) {
        this.logger.warn({ err, channel }, 'ignoring malformed pub/sub message');
        return;
      }
      for (const listener of set) listener(payload);
    });
  }

  async publish(channel: string, payload: unknown): Promise<void> {
    await this.publisher.publish(this.keys.channel(channel), JSON.stringify(payload));
  }

  subscribe<T>(channel: string): AsyncIterableIterator<T> {
    const full = this.keys.channel(channel);
    const queue: T[] = [];
    let waiting: ((r: IteratorResult<T>) => void) | null = null;
    let done = false;

    const listener = (payload: unknown) => {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: payload as T, done: false });
      } else {
        queue.push(payload as T);
        if (queue.length > MAX_BUFFERED) queue.shift();
      }
    };
    let set = this.listeners.get(full);
    if (!set) {
      set = new Set();
      this.listeners.set(full, set);
      this.subscriber
        .subscribe(full)
        .catch((err: unknown) => this.logger.error({ err, channel }, 'redis subscribe failed'));
    }
    set.add(listener);

    const stop = async () => {
      if (done) return;
      done = true;
      const current = this.listeners.get(full);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(full);
        await this.subscriber.unsubscribe(full).catch(() => undefined);
      }
      if (waiting) waiting({ value: undefined, done: true });
      waiting = null;
    };

    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: async () => {
        await stop();
        return { value: undefined, done: true };
      },
      throw: async (err: unknown) => {
        await stop();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  close(): Promise<void> {
    this.listeners.clear();
    // disconnect(), not quit(): quit waits for a reply that never comes while Redis is
    // unreachable, and every publish we made has already been awaited.
    this.publisher.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}
