import { spawn, type ChildProcess } from 'node:child_process';
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

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
        stdio: 'ignore',
      });
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
          probe.disconnect();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      throw new Error(`redis-server did not start on ${port}`);
    },
    kill: () => killProcess(child),
  };
  await own.start();
  return own;
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
