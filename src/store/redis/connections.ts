import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { parseRedisUrl, type RedisTarget } from './redisUrl';

/**
 * A connection to Redis: to one server, or a cluster client that sends each command to
 * the node holding its keys. Both speak the same commands, so the adapters take either;
 * which one a deployment gets is decided by `REDIS_URL` alone (see `redisUrl.ts`).
 */
export type RedisClient = Redis | Cluster;

/**
 * How each kind of Redis connection behaves when Redis is slow or away. They differ on
 * purpose: a request must not wait on a cache, while a job queue must outlast an outage.
 */
const OPTIONS = {
  /** /readyz: fails fast instead of queueing behind traffic; connected by its owner. */
  probe: { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true },
  /**
   * Caches on a request's path (stale answers, rate limits, persisted queries): a slow
   * Redis costs a request 500 ms at most, and an absent one nothing but the cache.
   */
  cache: { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 500 },
  /**
   * The profile hot tier: a read that cannot have its answer within 250 ms reads the
   * store instead, and a fence that fails is retried by its writer (see GoldFences).
   */
  hot: { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 250 },
  /** The stale cache of in-process tools (benchmarks, evaluations), which nobody waits on. */
  toolCache: { maxRetriesPerRequest: 1 },
  /** BullMQ requires commands to wait through an outage rather than fail. */
  queue: { maxRetriesPerRequest: null },
  publisher: { lazyConnect: false, maxRetriesPerRequest: 3 },
  /** Its (un)subscribes wait through an outage; ioredis subscribes again on reconnecting. */
  subscriber: { lazyConnect: false, maxRetriesPerRequest: null },
  /** Erasures, which are rare: connects at the first one, not at start. */
  erasure: { maxRetriesPerRequest: 2, lazyConnect: true },
} satisfies Record<string, RedisOptions>;

export type RedisConnectionKind = keyof typeof OPTIONS;

/** Slow enough that 16 redirections (ioredis's limit) outlast Redis's 15 s failover. */
const OUTLAST_FAILOVER_MS = 1_000;

/**
 * A new connection to `url`, behaving as its kind requires (see `OPTIONS`): a cluster
 * client for a `redis+cluster://` URL, otherwise a client of one server.
 */
export function redisConnection(url: string, kind: RedisConnectionKind): RedisClient {
  const target = parseRedisUrl(url);
  return target.kind === 'server'
    ? new Redis(url, { ...OPTIONS[kind] })
    : clusterConnection(target, kind);
}

/**
 * The same kind on a cluster. There, whether a command waits for Redis is the cluster
 * client's decision, not its nodes': it holds commands while no node answers (its offline
 * queue), however few retries the nodes' options allow. So a kind's options are turned
 * into the cluster's: one that never queues (probe, cache) fails while the cluster is
 * down; one that outlasts outages (queues, subscriber) waits, failovers included
 * (https://github.com/redis/ioredis#cluster: retryDelayOnFailover × maxRedirections);
 * one with a few retries waits for the cluster to be up at first (a lazy kind's first
 * command is what connects it), then fails while it is down, as it soon does on a server.
 */
function clusterConnection(
  target: Extract<RedisTarget, { kind: 'cluster' }>,
  kind: RedisConnectionKind,
): Cluster {
  const options: RedisOptions = OPTIONS[kind];
  const outlastsOutages = options.maxRetriesPerRequest === null;
  const neverQueues = options.enableOfflineQueue === false;
  // Connecting and queueing are the cluster client's business; the rest is each node's.
  const perNode = { ...options };
  delete perNode.lazyConnect;
  delete perNode.enableOfflineQueue;
  const cluster = new Cluster(
    target.seeds.map(({ host, port }) => ({ host, port })),
    {
      lazyConnect: options.lazyConnect ?? false,
      enableOfflineQueue: !neverQueues,
      ...(outlastsOutages && { retryDelayOnFailover: OUTLAST_FAILOVER_MS }),
      redisOptions: {
        ...perNode,
        ...(target.username !== undefined && { username: target.username }),
        ...(target.password !== undefined && { password: target.password }),
        ...(target.tls && { tls: {} }),
      },
      // With TLS, nodes are reached by the names in the URL rather than their addresses,
      // so that certificates are checked against those names (as managed clusters need).
      ...(target.tls && {
        dnsLookup: (address: string, callback: (err: null, address: string) => void) =>
          callback(null, address),
      }),
    },
  );
  // ioredis reads this option at each command, so it can change once the cluster is up.
  if (!outlastsOutages && !neverQueues)
    cluster.once('ready', () => (cluster.options.enableOfflineQueue = false));
  return cluster;
}
