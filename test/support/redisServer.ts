import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killProcess } from './faults';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A redis-server of a test's own, on a free port, that the test may kill and restart. */
export interface OwnRedis {
  url: string;
  port: number;
  /** SIGKILL: as abrupt as a crash; nothing is persisted, as with the machine's Redis. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** Starts one on a free port, and returns once it answers. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = await spawnRedis(port, []);
    },
    async kill() {
      await killProcess(child);
    },
  };
  await own.start();
  return own;
}

/**
 * A Redis Cluster of a test's own: `masters` redis-servers in cluster mode, no replicas,
 * sharing the 16384 slots evenly. Like any cluster, each node refuses a command, MULTI or
 * script whose keys are in different slots (CROSSSLOT), and sends a client elsewhere
 * (MOVED) for a key another node holds, so only a cluster client reaches every key.
 */
export interface OwnRedisCluster {
  /** `REDIS_URL` in its cluster form, naming every node as a seed. */
  url: string;
  /** Each master, for a plain client that looks at one node's own keys. */
  nodes: { url: string; firstSlot: number; lastSlot: number }[];
  /** SIGKILL on every node; their node files (the cluster's membership) are removed. */
  kill(): Promise<void>;
}

const SLOTS = 16384;

export async function startOwnRedisCluster(masters: number): Promise<OwnRedisCluster> {
  const servers: { port: number; busPort: number; nodesFile: string; child: ChildProcess }[] = [];
  const cluster: OwnRedisCluster = {
    url: '',
    nodes: [],
    async kill() {
      await Promise.all(servers.map((s) => killProcess(s.child)));
      for (const s of servers) rmSync(s.nodesFile, { force: true });
    },
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      // Given, not port + 10000 (the default), which a free port may leave no room for.
      const busPort = await freePort();
      const nodesFile = join(tmpdir(), `mosaic-redis-cluster-${port}.conf`);
      const child = await spawnRedis(port, [
        ...['--cluster-enabled', 'yes', '--cluster-config-file', nodesFile],
        ...['--cluster-port', String(busPort), '--cluster-announce-ip', '127.0.0.1'],
      ]);
      servers.push({ port, busPort, nodesFile, child });
    }
    cluster.nodes = servers.map(({ port }, i) => ({
      url: `redis://127.0.0.1:${port}`,
      firstSlot: Math.floor((i * SLOTS) / masters),
      lastSlot: Math.floor(((i + 1) * SLOTS) / masters) - 1,
    }));
    cluster.url = `redis+cluster://${servers.map((s) => `127.0.0.1:${s.port}`).join(',')}`;
    await formCluster(servers, cluster.nodes);
  } catch (err) {
    await cluster.kill();
    throw err;
  }
  return cluster;
}

/** Introduces the nodes to each other, gives each its slots, and waits until all agree. */
async function formCluster(
  servers: { port: number; busPort: number }[],
  nodes: OwnRedisCluster['nodes'],
): Promise<void> {
  const clients = nodes.map((n) => new Redis(n.url, { maxRetriesPerRequest: 1 }));
  try {
    for (const s of servers.slice(1))
      await clients[0]!.call('CLUSTER', 'MEET', '127.0.0.1', String(s.port), String(s.busPort));
    await Promise.all(
      clients.map((c, i) =>
        c.call('CLUSTER', 'ADDSLOTSRANGE', String(nodes[i]!.firstSlot), String(nodes[i]!.lastSlot)),
      ),
    );
    const agreed = async (c: Redis) => {
      const info = String(await c.call('CLUSTER', 'INFO'));
      const slots = (await c.call('CLUSTER', 'SLOTS')) as unknown[];
      return (
        info.includes('cluster_state:ok') &&
        info.includes(`cluster_known_nodes:${servers.length}`) &&
        slots.length === servers.length
      );
    };
    for (let i = 0; i < 200; i++) {
      if ((await Promise.all(clients.map(agreed))).every(Boolean)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the test Redis Cluster did not form');
  } finally {
    for (const c of clients) c.disconnect();
  }
}

/** Starts redis-server on `port` with nothing persisted, and waits until it answers. */
async function spawnRedis(port: number, args: string[]): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', ...args],
    { stdio: 'ignore' },
  );
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  for (let i = 0; i < 100; i++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await killProcess(child);
  throw new Error(`redis-server did not start on ${port}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
