import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { type Config, loadConfig } from '../../src/config/env';

/** Configuration for tests: the real services, quiet logs, overrides on top. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    MOSAIC_WRITE_KEY: 'test-write-key',
    // Suites about other things run as an unchecked admin; test/auth/ switches it on.
    MOSAIC_AUTH: 'off',
    // Every in-process gateway applies its own accepted events (a worker would too).
    MOSAIC_PIPELINE: 'gateway',
    MOSAIC_PIPELINE_POLL_MS: '20',
    ...overrides,
  });
}

/** A database name no other test file or run shares; dropped when the file is done. */
export function uniqueDatabaseName(label: string): string {
  return `mosaic_test_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomUUID().slice(0, 8)}`;
}

export const silentLogger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
