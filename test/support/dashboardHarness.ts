import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { launchBrowser, signInToDashboard } from './browser';
import { silentLogger, testConfig } from './env';
import { startSecuredApp, type SecuredApp } from './securedApp';

const BUNDLE = join(__dirname, '..', '..', 'dashboard', 'dist', 'index.html');

export interface DashboardHarness {
  api: SecuredApp;
  browser: Browser;
  /** A new browser context (its own session storage) on the dashboard, signed in with `key`. */
  signedIn(key: string, options?: SignInOptions): Promise<Page>;
  /** Segment-style calls through `/v1/batch`, as a website's SDK sends them. */
  track(batch: Record<string, unknown>[]): Promise<void>;
  /** graphql-ws subscriptions the gateway holds open now (its `/metrics` gauge). */
  activeSubscriptions(): Promise<number>;
  /**
   * True once the gateway listens on the Redis channel `channel` (of its database): a
   * subscription is counted before its SUBSCRIBE reaches Redis, and only then is it fed.
   */
  listening(channel: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface SignInOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  /**
   * Runs on the new page before it signs in. The segments view opens its live socket as
   * soon as it shows, so a listener attached after sign-in can miss that socket entirely.
   */
  beforeSignIn?: (page: Page) => void | Promise<void>;
}

export const LAPTOP = { width: 1366, height: 900 };
export const TABLET = { width: 820, height: 1180 };

/**
 * The real system the dashboard talks to: a gateway with authentication on (one key per
 * role), a worker that enriches profiles and moves segments, and headless Chromium.
 */
export async function startDashboardHarness(
  label: string,
  overrides: Record<string, string> = {},
): Promise<DashboardHarness> {
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing: run \`npm run dashboard:build\` (npm test does)`);
  const metricsKey = 'dashboard-test-metrics-key';
  const api = await startSecuredApp(label, { MOSAIC_METRICS_KEY: metricsKey, ...overrides });
  let worker: WorkerApp | null = null;
  let browser: Browser;
  try {
    worker = await createWorkerApp(
      testConfig({ POSTGRES_SCHEMA: api.t.pgSchema, ...overrides }),
      silentLogger,
      { database: api.t.database },
    );
    browser = await launchBrowser();
  } catch (err) {
    // Half started: what did start is stopped, or jest waits on it forever.
    await worker?.close().catch(() => undefined);
    await api.t.close().catch(() => undefined);
    throw err;
  }
  const contexts: BrowserContext[] = [];
  const redis = new Redis(testConfig().redis.url, { maxRetriesPerRequest: 1 });
  return {
    api,
    browser,
    async signedIn(key, { viewport = LAPTOP, colorScheme = 'light', beforeSignIn } = {}) {
      const context = await browser.newContext({ viewport, colorScheme });
      contexts.push(context);
      const page = await context.newPage();
      await beforeSignIn?.(page);
      await signInToDashboard(page, api.t.url, key);
      return page;
    },
    async track(batch) {
      const res = await fetch(`${api.t.url}/v1/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('test-write-key:').toString('base64')}`,
        },
        body: JSON.stringify({ batch }),
      });
      if (res.status !== 200)
        throw new Error(`/v1/batch answered ${res.status}: ${await res.text()}`);
    },
    async activeSubscriptions() {
      const res = await fetch(`${api.t.url}/metrics`, {
        headers: { authorization: `Bearer ${metricsKey}` },
      });
      const line = (await res.text())
        .split('\n')
        .find((l) => l.startsWith('mosaic_graphql_subscriptions_active '));
      return Number(line?.split(' ')[1] ?? 0);
    },
    async listening(channel) {
      const channels = await redis.pubsub('CHANNELS', `mosaic:${api.t.database}:*`);
      return (channels as string[]).includes(`mosaic:${api.t.database}:${channel}`);
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      redis.disconnect();
      await worker?.close().catch(() => undefined);
      await api.t.close();
    },
  };
}
