/**
 * What `REDIS_URL` names: one Redis server (`redis://`, `rediss://`, as ioredis reads
 * them), or a Redis Cluster through some of its nodes (`redis+cluster://` and, with TLS,
 * `rediss+cluster://`). A cluster's URL lists seed nodes, comma-separated, after one
 * optional set of credentials:
 *
 *     redis+cluster://[user[:password]@]host:port[,host:port…]
 *
 * The client learns the other nodes from the seeds, so a few are enough; more only help
 * when some are down at start. A cluster has one database, so the URL has no path.
 *
 * No ioredis here: the configuration checks a URL with this without loading a client.
 */
export type RedisTarget =
  | { readonly kind: 'server'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly seeds: readonly { readonly host: string; readonly port: number }[];
      readonly username: string | undefined;
      readonly password: string | undefined;
      readonly tls: boolean;
    };

const SERVER_SCHEMES = ['redis:', 'rediss:'];
const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//i;
const DEFAULT_PORT = 6379;

/** What the URL names; throws an Error saying what is wrong with it. */
export function parseRedisUrl(url: string): RedisTarget {
  const cluster = CLUSTER_SCHEME.exec(url);
  if (cluster === null) {
    if (!SERVER_SCHEMES.includes(protocolOf(url)))
      throw new Error(
        'must be a URL starting with redis:// or rediss://, or a Redis Cluster as ' +
          'redis+cluster://host:port,host:port (rediss+cluster:// for TLS)',
      );
    return { kind: 'server', url };
  }
  const rest = url.slice(cluster[0].length);
  // As in any URL, the authority ends at the path, query or fragment.
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const after = end === -1 ? '' : rest.slice(end);
  if (after !== '' && after !== '/')
    throw new Error(
      `a Redis Cluster URL has no database, path or options: remove "${after}" ` +
        '(redis+cluster://host:port,host:port)',
    );
  // Credentials end at the last `@` (a password's own `@` is written %40).
  const at = authority.lastIndexOf('@');
  const userinfo = at === -1 ? '' : authority.slice(0, at);
  const hosts = authority.slice(at + 1).split(',');
  if (hosts.some((h) => h.trim() === ''))
    throw new Error(
      'a Redis Cluster URL lists its seed nodes as host:port, comma-separated, none empty',
    );
  return {
    kind: 'cluster',
    seeds: hosts.map((host) => seedOf(host.trim())),
    ...credentialsOf(userinfo),
    tls: cluster[1]!.toLowerCase() === 'rediss',
  };
}

/** Why `url` is not a REDIS_URL Mosaic can use, or null when it is. */
export function redisUrlProblem(url: string): string | null {
  try {
    parseRedisUrl(url);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

function protocolOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}

/** `user:password`, percent-decoded as in any URL; either may be absent. */
function credentialsOf(userinfo: string): {
  username: string | undefined;
  password: string | undefined;
} {
  if (userinfo === '') return { username: undefined, password: undefined };
  let parsed: URL;
  try {
    parsed = new URL(`redis://${userinfo}@host`);
  } catch {
    throw new Error('the credentials of a Redis Cluster URL are not user:password');
  }
  return {
    username: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
  };
}

/** One `host:port` (or `[ipv6]:port`; the port defaults to 6379), checked as a URL's would be. */
function seedOf(text: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(`redis://${text}`);
  } catch {
    throw new Error(`"${text}" is not a host:port of a Redis Cluster node`);
  }
  if (parsed.username !== '' || parsed.pathname !== '' || parsed.hostname === '')
    throw new Error(`"${text}" is not a host:port of a Redis Cluster node`);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? DEFAULT_PORT : Number(parsed.port),
  };
}
