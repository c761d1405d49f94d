import { spawn, type ChildProcess } from 'node:child_process';
import { killProcess } from './faults';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redisServer';

const BINARY = join(__dirname, '..', '..', '.data', 'bin', 'ferretdb');

/**
 * A FerretDB of a test's own (the binary `scripts/services.sh` builds), on a free port
 * with its own SQLite directory, that the test may kill and start again on the same data.
 */
export interface OwnStore {
  uri: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Kills it and deletes its data. */
  destroy(): Promise<void>;
}

export async function startOwnFerretDb(): Promise<OwnStore> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-ferret-'));
  let child: ChildProcess | null = null;
  const own: OwnStore = {
    uri: `mongodb://127.0.0.1:${port}/`,
    async start() {
      child = spawn(
        BINARY,
        ['-listen', `127.0.0.1:${port}`, '-handler', 'sqlite', '-sqlite-dir', dir],
        {
          stdio: 'ignore',
        },
      );
      for (let i = 0; i < 200; i++) {
        if (await answers(port)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`FerretDB did not start on ${port}`);
    },
    kill: () => killProcess(child),
    async destroy() {
      await own.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await own.start();
  return own;
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
