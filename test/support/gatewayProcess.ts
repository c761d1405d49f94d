import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..');

export interface GatewayProcess {
  url: string;
  process: ChildProcess;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts a real gateway process (`src/main.ts`, as `npm start` does) on a free port and
 * resolves once it listens. Its stderr is kept for the error message if it dies early.
 */
export function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  return startProcess(join(ROOT, 'src', 'main.ts'), 'Mosaic gateway listening', env);
}

/** A real worker process (`npm run worker`); resolves once it consumes its queues. */
export function startWorkerProcess(env: Record<string, string>): Promise<GatewayProcess> {
  return startProcess(join(ROOT, 'src', 'workers', 'main.ts'), 'Mosaic worker running', env);
}

function startProcess(
  entry: string,
  readyMessage: string,
  env: Record<string, string>,
): Promise<GatewayProcess> {
  // node itself, not the tsx CLI wrapper: signals (SIGKILL too) must reach the real process.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      MOSAIC_AUTH: 'off',
      // A gateway applies the events it accepts, as in-process test gateways do (a test
      // about workers running the pipeline sets MOSAIC_PIPELINE=worker).
      MOSAIC_PIPELINE: 'gateway',
      MOSAIC_PIPELINE_POLL_MS: '20',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start within 30 s:\n${stderr}`));
    }, 30_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${stderr}`));
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === readyMessage) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${entry.port ?? 0}`,
          process: child,
          stop: () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}

/** POSTs one GraphQL operation and returns the parsed response. */
export async function postGraphQL<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: {
    data?: T;
    errors?: {
      message: string;
      path?: (string | number)[];
      extensions?: Record<string, unknown>;
    }[];
    extensions?: Record<string, unknown>;
  };
}> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** POSTs an operation and returns its `data`; a non-200 status or any GraphQL error fails, showing the errors. */
export async function queryGraphQL<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const { status, body } = await postGraphQL<T>(baseUrl, query, variables);
  if (status !== 200 || body.errors)
    throw new Error(`GraphQL failed (${status}): ${JSON.stringify(body.errors)}`);
  return body.data!;
}
