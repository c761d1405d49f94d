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

/**
 * With `cluster`, the server runs in cluster mode as a one-node cluster holding every
 * slot: it refuses a command, MULTI or script whose keys are in different slots
 * (CROSSSLOT) as a real cluster does, yet a plain client reaches every key on it.
 */
export async function startOwnRedis(options: { cluster?: boolean } = {}): Promise<OwnRedis> {
  const port = await freePort();
  // Where a cluster node keeps its state; removed when it is killed, like everything else.
  const nodesFile = join(tmpdir(), `mosaic-redis-cluster-${port}.conf`);
  const clusterArgs = options.cluster
    ? ['--cluster-enabled', 'yes', '--cluster-config-file', nodesFile]
    : [];
  let child: ChildProcess | null = null;
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--save', '', '--appendonly', 'no', ...clusterArgs],
        { stdio: 'ignore' },
      );
      const probe = new Redis(own.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      for (let i = 0; i < 100; i++) {
        try {
          await probe.connect();
          await probe.ping();
          if (options.cluster) await takeEverySlot(probe);
          probe.disconnect();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      throw new Error(`redis-server did not start on ${port}`);
    },
    async kill() {
      await killProcess(child);
      if (options.cluster) rmSync(nodesFile, { force: true });
    },
  };
  await own.start();
  return own;
}

/** Assigns every slot to the one node, unless it has them already, and waits for the cluster to be up. */
async function takeEverySlot(redis: Redis): Promise<void> {
  const info = async () => String(await redis.call('CLUSTER', 'INFO'));
  if (!(await info()).includes('cluster_slots_assigned:16384'))
    await redis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
  for (let i = 0; i < 100 && !(await info()).includes('cluster_state:ok'); i++)
    await new Promise((r) => setTimeout(r, 50));
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
