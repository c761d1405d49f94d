import { resolve } from 'node:path';
import { z } from 'zod';
import { readManifest, type PersistedQueriesConfig } from '../http/persistedQueries';
import { IDENTIFIER_KINDS, type IdentifierKind } from '../identity/kinds';
import type { EventTimeBounds } from '../ingest/eventTime';
import type { TracingConfig } from '../observability/tracing';
import { redisUrlProblem } from '../store/redis/redisUrl';

/**
 * Configuration is read from the environment once, at start, and validated as a whole:
 * every bad variable is reported in one message (named, with what was expected) before
 * the process exits, instead of failing later on first use. Nothing else reads
 * `process.env`.
 */

const kindList = IDENTIFIER_KINDS.join(', ');

/** `KIND=N,KIND=N` → per-kind limits; unknown kinds and non-positive numbers are errors. */
const identifierLimits = z.string().transform((raw, ctx) => {
  const limits: Partial<Record<IdentifierKind, number>> = {};
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kind, count] = part.split('=').map((s) => s.trim());
    const n = Number(count);
    if (!kind || !IDENTIFIER_KINDS.includes(kind as IdentifierKind)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown identifier kind "${kind}" (expected one of ${kindList})`,
      });
    } else if (!Number.isInteger(n) || n < 1) {
      ctx.addIssue({
        code: 'custom',
        message: `limit for ${kind} must be a whole number ≥ 1, got "${count}"`,
      });
    } else {
      limits[kind as IdentifierKind] = n;
    }
  }
  return limits;
});

/** `kind:value` pairs (or `*:value` for every kind), comma-separated. */
const blockedIdentifiers = z.string().transform((raw, ctx) => {
  const blocked: { kind: IdentifierKind | '*'; value: string }[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const colon = part.indexOf(':');
    const kind = part.slice(0, colon).trim().toUpperCase();
    const value = part.slice(colon + 1).trim();
    if (colon < 1 || !value) {
      ctx.addIssue({
        code: 'custom',
        message: `"${part}" is not of the form KIND:value or *:value`,
      });
    } else if (kind !== '*' && !IDENTIFIER_KINDS.includes(kind as IdentifierKind)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown identifier kind "${kind}" in "${part}" (expected one of ${kindList} or *)`,
      });
    } else {
      blocked.push({ kind: kind as IdentifierKind | '*', value });
    }
  }
  return blocked;
});

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}`,
  );

/**
 * The dashboard's bundle as `npm run dashboard:build` writes it: `dashboard/dist` of this
 * checkout, found from this file (not the working directory, which differs between
 * `npm start`, the tests and a service manager).
 */
const DEFAULT_DASHBOARD_DIR = resolve(__dirname, '..', '..', 'dashboard', 'dist');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** `source=ms,source=ms` → per-source timeouts. */
const sourceTimeouts = z.string().transform((raw, ctx) => {
  const timeouts: Record<string, number> = {};
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, value] = part.split('=').map((s) => s.trim());
    const ms = Number(value);
    if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not of the form source=milliseconds` });
    } else if (!Number.isInteger(ms) || ms < 1 || ms > 60_000) {
      ctx.addIssue({
        code: 'custom',
        message: `timeout for ${name} must be a whole number of milliseconds in 1-60000, got "${value}"`,
      });
    } else {
      timeouts[name] = ms;
    }
  }
  return timeouts;
});

const nameList = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'names are lower-case words')).min(1));

/** A manifest file path → its operations by id; every problem in the file is an issue. */
const persistedQueryManifest = z.string().transform((path, ctx) => {
  const read = readManifest(path);
  if ('problems' in read) {
    for (const problem of read.problems.slice(0, 20))
      ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return { path, operations: read.operations };
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URI: url(['mongodb:', 'mongodb+srv:']).default('mongodb://127.0.0.1:27017/mosaic'),
  // One server (redis://, rediss://) or a Redis Cluster's seed nodes (redis+cluster://).
  REDIS_URL: z
    .string()
    .superRefine((v, ctx) => {
      const problem = redisUrlProblem(v);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default('redis://127.0.0.1:6379'),
  POSTGRES_URL: url(['postgres:', 'postgresql:']).default(
    'postgres://postgres@127.0.0.1:5432/mosaic',
  ),
  POSTGRES_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .default('mosaic'),
  MOSAIC_SOURCES: nameList.prefault('crm,orders,events'),
  MOSAIC_SOURCE_TIMEOUT_MS: int(1, 60_000).default(1_000),
  MOSAIC_SOURCE_TIMEOUTS: sourceTimeouts.prefault(''),
  MOSAIC_SOURCE_BREAKER_FAILURES: int(1, 1_000).default(5),
  MOSAIC_SOURCE_BREAKER_COOLDOWN_MS: int(100, 3_600_000).default(10_000),
  MOSAIC_SOURCE_MAX_BATCH: int(1, 10_000).optional(),
  MOSAIC_SOURCE_CACHE_TTL_SECONDS: int(1, 90 * 24 * 3600).default(7 * 24 * 3600),
  MOSAIC_WORKER_CONCURRENCY: int(1, 256).default(4),
  MOSAIC_SEGMENT_REFRESH_MS: int(100, 86_400_000).default(60_000),
  MOSAIC_SEGMENT_HEALTH_EVERY_MS: int(1_000, 86_400_000).default(3_600_000),
  MOSAIC_SEGMENT_ALERT_DEVIATIONS: z.coerce.number().min(1).max(20).default(4),
  MOSAIC_SEGMENT_ALERT_MIN_CHANGE: z.coerce.number().min(0).max(1).default(0.2),
  MOSAIC_WORKER_LOCK_MS: int(1_000, 600_000).default(30_000),
  MOSAIC_ERASURE_SWEEP_DELAY_MS: int(0, 86_400_000).default(60_000),
  MOSAIC_SEGMENT_SIZE_FLOOR: int(0, 1_000_000).default(5),
  MOSAIC_WORKER_NAME: z.string().min(1).max(200).optional(),
  MOSAIC_WORKER_METRICS_PORT: int(0, 65535).optional(),
  // OpenTelemetry's own variable names, as collectors' docs tell operators to set them.
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  MOSAIC_TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  MOSAIC_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  MOSAIC_WRITE_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
  MOSAIC_AUTH: z.enum(['on', 'off']).default('on'),
  MOSAIC_RATE_LIMIT_PER_MINUTE: int(0, 10_000_000).default(1200),
  MOSAIC_MAX_QUERY_DEPTH: int(2, 100).default(12),
  MOSAIC_MAX_QUERY_COST: int(10, 100_000_000).default(50_000),
  MOSAIC_MAX_QUERY_TOKENS: int(100, 10_000_000).default(10_000),
  MOSAIC_MAX_QUERY_ALIASES: int(1, 100_000).default(200),
  MOSAIC_MAX_QUERY_OPERATIONS: int(1, 1_000).default(20),
  MOSAIC_AUTH_FAILURES_PER_MINUTE: int(0, 10_000_000).default(30),
  MOSAIC_ID_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MOSAIC_METRICS_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  MOSAIC_INTROSPECTION: z.enum(['on', 'off']).optional(),
  MOSAIC_PERSISTED_QUERIES: z.enum(['apq', 'safelist', 'off']).default('apq'),
  MOSAIC_PERSISTED_QUERY_MANIFEST: persistedQueryManifest.optional(),
  MOSAIC_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MOSAIC_JWT_PUBLIC_KEY: z
    .string()
    .regex(/-----BEGIN PUBLIC KEY-----/, 'must be a PEM public key (SPKI)')
    .optional(),
  MOSAIC_JWT_ISSUER: z.string().min(1).optional(),
  MOSAIC_JWT_AUDIENCE: z.string().min(1).optional(),
  MOSAIC_DEFAULT_PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 region code such as US or GB')
    .default('US'),
  MOSAIC_IDENTIFIER_LIMITS: identifierLimits.prefault(
    'USER_ID=1,CUSTOMER_ID=1,CRM_ID=5,EMAIL=10,PHONE=10,ANONYMOUS_ID=1000',
  ),
  MOSAIC_BLOCKED_IDENTIFIERS: blockedIdentifiers.prefault(
    [
      'EMAIL:test@test.com',
      'EMAIL:test@example.com',
      'EMAIL:noreply@example.com',
      'EMAIL:null@null.com',
      'ANONYMOUS_ID:00000000-0000-0000-0000-000000000000',
      '*:null',
      '*:undefined',
      '*:none',
      '*:unknown',
      '*:n/a',
      '*:0',
      '*:-',
    ].join(','),
  ),
  MOSAIC_MATCH_MERGE_THRESHOLD: z.coerce.number().gt(0.5).max(1).default(0.95),
  MOSAIC_MATCH_REVIEW_THRESHOLD: z.coerce.number().gt(0).lt(1).default(0.8),
  MOSAIC_MATCH_SETTLE_THRESHOLD: z.coerce.number().gt(0).max(1).default(0.8),
  MOSAIC_MATCH_SETTLE_EVERY_MS: int(1_000, 24 * 3600_000).default(60_000),
  MOSAIC_MATCH_CONFLICT_THRESHOLD: z.coerce.number().gt(0).lt(0.5).default(1e-5),
  MOSAIC_MATCHING: z.enum(['on', 'off']).default('on'),
  MOSAIC_HOT_TIER: z.enum(['on', 'off']).default('on'),
  MOSAIC_HOT_TIER_TTL_SECONDS: int(1, 30 * 24 * 3600).default(3600),
  MOSAIC_MAX_BODY_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  MOSAIC_MAX_EVENTS_PER_REQUEST: int(1, 10_000).default(500),
  MOSAIC_EVENT_MAX_AGE_DAYS: int(1, 36_500).default(3650),
  MOSAIC_EVENT_MAX_FUTURE_MS: int(0, 366 * 86_400_000).default(86_400_000),
  MOSAIC_INGEST_LIVE_MAX_EVENTS: int(1, 10_000).default(20),
  MOSAIC_INGEST_MAX_BACKLOG: int(1, 100_000_000).default(250_000),
  MOSAIC_INGEST_WAIT_TIMEOUT_MS: int(1, 300_000).default(10_000),
  MOSAIC_INGEST_RETRY_AFTER_SECONDS: int(1, 3_600).default(5),
  MOSAIC_PIPELINE: z.enum(['worker', 'gateway']).default('worker'),
  MOSAIC_PIPELINE_BATCH: int(1, 10_000).default(500),
  MOSAIC_PIPELINE_CONCURRENCY: int(1, 32).default(4),
  MOSAIC_PIPELINE_BULK_CONCURRENCY: int(1, 32).default(1),
  MOSAIC_PIPELINE_LEASE_MS: int(1_000, 600_000).default(15_000),
  MOSAIC_PIPELINE_POLL_MS: int(1, 60_000).default(100),
  MOSAIC_BRONZE_RETENTION_DAYS: int(0, 36_500).default(7),
  MOSAIC_SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(15_000),
  // A relative directory is taken from the working directory, once, at start.
  MOSAIC_DASHBOARD_DIR: z
    .string()
    .transform((dir) => resolve(dir))
    .default(DEFAULT_DASHBOARD_DIR),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Env = z.output<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  http: {
    host: string;
    port: number;
    maxBodyBytes: number;
    shutdownTimeoutMs: number;
    /** The dashboard's built files, served at `/dashboard` (an absolute path). */
    dashboardDir: string;
  };
  mongo: { uri: string };
  redis: { url: string };
  postgres: { url: string; schema: string };
  sources: {
    /** Enabled source adapters, by name (see `src/sources/registry.ts`). */
    enabled: string[];
    defaultTimeoutMs: number;
    timeouts: Record<string, number>;
    breakerFailures: number;
    breakerCooldownMs: number;
    cacheTtlSeconds: number;
    /** Caps every source's batch size (1 turns batching off: the benchmark's comparison). */
    maxBatch: number | undefined;
  };
  auth: {
    /** Off only for development and tests: every caller is then an admin. */
    enabled: boolean;
    adminKey: string | undefined;
    writeKey: string | undefined;
    jwt: { secret?: string; publicKey?: string; issuer: string; audience: string } | null;
    /** GraphQL requests per credential per minute, across replicas; 0: unlimited. */
    rateLimitPerMinute: number;
    /** Failed authentications per client address per minute, across replicas; 0: unlimited. */
    failuresPerMinute: number;
    /** Keys opaque ids (`src/auth/opaqueIds.ts`); unset: a random secret kept in the store. */
    idSecret: string | undefined;
    /** Bearer that `/metrics` asks for; unset: `/metrics` is closed unless auth is off. */
    metricsKey: string | undefined;
  };
  graphql: {
    maxDepth: number;
    maxCost: number;
    /** Lexical tokens one document may hold: parsing stops there, before any work. */
    maxTokens: number;
    /** Aliased fields one document may hold (aliases multiply the work of one field). */
    maxAliases: number;
    /** Operations one document may define (each is validated, though one runs). */
    maxOperations: number;
    /** Off by default in production. */
    introspection: boolean;
    /** APQ over Redis (default), a manifest safelist, or off (`src/http/persistedQueries.ts`). */
    persistedQueries: PersistedQueriesConfig;
  };
  identity: {
    defaultPhoneRegion: string;
    limits: Partial<Record<IdentifierKind, number>>;
    blocked: { kind: IdentifierKind | '*'; value: string }[];
    /** Probabilistic matching of CRM contacts on arrival (`src/matching`). */
    matching: {
      enabled: boolean;
      mergeThreshold: number;
      reviewThreshold: number;
      conflictThreshold: number;
      settleThreshold: number;
      /** How often the identity worker settles the likely pairs in the review queue. */
      settleEveryMs: number;
    };
  };
  /**
   * The profile hot tier (`src/profiles/goldDocuments.ts`): gold documents and identity
   * hints in Redis, in front of the stored ones. Every process of a deployment must agree
   * on `enabled`: a writer without it does not fence what the readers with it cache.
   */
  hotTier: { enabled: boolean; ttlSeconds: number };
  ingest: {
    maxEventsPerRequest: number;
    /** Events older or further ahead than this are refused (`src/ingest/eventTime.ts`). */
    eventTime: EventTimeBounds;
    /** A request of more events than this is an import: its enrichment runs in the bulk lane. */
    liveMaxEvents: number;
    /** Waiting (accepted, unapplied) events beyond which `/v1/*` answers 429. */
    maxBacklog: number;
    /** How long `wait: true` / `?sync=1` waits for the events to be applied. */
    waitTimeoutMs: number;
    /** What a refusal for back-pressure tells the client to wait (`Retry-After`). */
    retryAfterSeconds: number;
  };
  pipeline: {
    /** Which processes run the resolution pipeline: workers (default) or the gateway too. */
    runIn: 'worker' | 'gateway';
    batchSize: number;
    /** Live batches applied at once (each over its own share of the partitions). */
    concurrency: number;
    /** Bulk (import) batches applied at once: few, so imports leave the store room. */
    bulkConcurrency: number;
    leaseMs: number;
    pollMs: number;
    /** How long applied events stay in bronze (0: pruned as soon as possible). */
    retentionMs: number;
  };
  privacy: {
    /** How long after an erasure its sweep runs (it catches writes that were in flight). */
    erasureSweepDelayMs: number;
    /**
     * Segments whose rule compares personal traits report sizes from 1 to this minus one
     * as 0 (and no members) to callers who may not see personal data; 0 or 1: exact.
     */
    segmentSizeFloor: number;
  };
  workers: {
    concurrency: number;
    segmentRefreshMs: number;
    /** A health point of every segment this often (one also follows each refresh and refit). */
    segmentHealthEveryMs: number;
    /** When a segment's size or churn step alerts (see `src/segments/segmentHealth.ts`). */
    segmentAlerts: { deviations: number; minRelativeChange: number };
    /** How long a job stays locked to a worker that stopped answering before another takes it. */
    lockMs: number;
    /** Shown as `processedBy` on jobs; defaults to `<hostname>:<pid>`. */
    name: string | undefined;
    /** Where a worker serves `/metrics` (0: any free port); undefined: it serves none. */
    metricsPort: number | undefined;
  };
  tracing: TracingConfig;
  logLevel: Env['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(source);
  checkCombinations(e);
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      maxBodyBytes: e.MOSAIC_MAX_BODY_BYTES,
      shutdownTimeoutMs: e.MOSAIC_SHUTDOWN_TIMEOUT_MS,
      dashboardDir: e.MOSAIC_DASHBOARD_DIR,
    },
    mongo: { uri: e.MONGODB_URI },
    redis: { url: e.REDIS_URL },
    postgres: { url: e.POSTGRES_URL, schema: e.POSTGRES_SCHEMA },
    sources: sourcesConfig(e),
    auth: authConfig(e),
    graphql: graphqlConfig(e),
    identity: identityConfig(e),
    hotTier: { enabled: e.MOSAIC_HOT_TIER === 'on', ttlSeconds: e.MOSAIC_HOT_TIER_TTL_SECONDS },
    ingest: {
      maxEventsPerRequest: e.MOSAIC_MAX_EVENTS_PER_REQUEST,
      eventTime: {
        maxAgeDays: e.MOSAIC_EVENT_MAX_AGE_DAYS,
        maxFutureMs: e.MOSAIC_EVENT_MAX_FUTURE_MS,
      },
      liveMaxEvents: e.MOSAIC_INGEST_LIVE_MAX_EVENTS,
      maxBacklog: e.MOSAIC_INGEST_MAX_BACKLOG,
      waitTimeoutMs: e.MOSAIC_INGEST_WAIT_TIMEOUT_MS,
      retryAfterSeconds: e.MOSAIC_INGEST_RETRY_AFTER_SECONDS,
    },
    pipeline: {
      runIn: e.MOSAIC_PIPELINE,
      batchSize: e.MOSAIC_PIPELINE_BATCH,
      concurrency: e.MOSAIC_PIPELINE_CONCURRENCY,
      bulkConcurrency: e.MOSAIC_PIPELINE_BULK_CONCURRENCY,
      leaseMs: e.MOSAIC_PIPELINE_LEASE_MS,
      pollMs: e.MOSAIC_PIPELINE_POLL_MS,
      retentionMs: e.MOSAIC_BRONZE_RETENTION_DAYS * 86_400_000,
    },
    privacy: {
      erasureSweepDelayMs: e.MOSAIC_ERASURE_SWEEP_DELAY_MS,
      segmentSizeFloor: e.MOSAIC_SEGMENT_SIZE_FLOOR,
    },
    workers: {
      concurrency: e.MOSAIC_WORKER_CONCURRENCY,
      segmentRefreshMs: e.MOSAIC_SEGMENT_REFRESH_MS,
      segmentHealthEveryMs: e.MOSAIC_SEGMENT_HEALTH_EVERY_MS,
      segmentAlerts: {
        deviations: e.MOSAIC_SEGMENT_ALERT_DEVIATIONS,
        minRelativeChange: e.MOSAIC_SEGMENT_ALERT_MIN_CHANGE,
      },
      lockMs: e.MOSAIC_WORKER_LOCK_MS,
      name: e.MOSAIC_WORKER_NAME,
      metricsPort: e.MOSAIC_WORKER_METRICS_PORT,
    },
    tracing: {
      endpoint:
        e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
        (e.OTEL_EXPORTER_OTLP_ENDPOINT
          ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
          : null),
      sampleRatio: e.MOSAIC_TRACE_SAMPLE_RATIO,
    },
    logLevel: e.LOG_LEVEL,
  };
}

/** Every variable checked on its own: one ConfigError lists all the bad ones, each named. */
function parseEnv(source: NodeJS.ProcessEnv): Env {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const got = source[name];
        return `${name}: ${issue.message}${got === undefined ? '' : ` (got "${got}")`}`;
      }),
    );
  }
  return parsed.data;
}

/** Whether a JWT key is configured (then issuer and audience are required). */
const jwtKeyed = (e: Env): boolean =>
  e.MOSAIC_JWT_SECRET !== undefined || e.MOSAIC_JWT_PUBLIC_KEY !== undefined;

/**
 * Variables that are valid alone but not together. Checked only once each variable is
 * valid, and the first bad combination is reported; the section builders below rely on
 * these checks (the JWT issuer and audience, the safelist's manifest).
 */
function checkCombinations(e: Env): void {
  if (e.MOSAIC_MATCH_REVIEW_THRESHOLD >= e.MOSAIC_MATCH_MERGE_THRESHOLD) {
    throw new ConfigError([
      `MOSAIC_MATCH_REVIEW_THRESHOLD: must be below MOSAIC_MATCH_MERGE_THRESHOLD ` +
        `(${e.MOSAIC_MATCH_MERGE_THRESHOLD}), got ${e.MOSAIC_MATCH_REVIEW_THRESHOLD}`,
    ]);
  }
  const settle = e.MOSAIC_MATCH_SETTLE_THRESHOLD;
  if (settle < e.MOSAIC_MATCH_REVIEW_THRESHOLD || settle > e.MOSAIC_MATCH_MERGE_THRESHOLD) {
    throw new ConfigError([
      `MOSAIC_MATCH_SETTLE_THRESHOLD: must be between MOSAIC_MATCH_REVIEW_THRESHOLD ` +
        `(${e.MOSAIC_MATCH_REVIEW_THRESHOLD}) and MOSAIC_MATCH_MERGE_THRESHOLD ` +
        `(${e.MOSAIC_MATCH_MERGE_THRESHOLD}), got ${settle}`,
    ]);
  }
  if (jwtKeyed(e) && (e.MOSAIC_JWT_ISSUER === undefined || e.MOSAIC_JWT_AUDIENCE === undefined)) {
    throw new ConfigError([
      'MOSAIC_JWT_ISSUER and MOSAIC_JWT_AUDIENCE: both are required once a JWT key is set ' +
        '(tokens are only accepted from a named issuer for this audience)',
    ]);
  }
  const manifest = e.MOSAIC_PERSISTED_QUERY_MANIFEST;
  if (e.MOSAIC_PERSISTED_QUERIES === 'safelist' && manifest === undefined) {
    throw new ConfigError([
      'MOSAIC_PERSISTED_QUERY_MANIFEST: required when MOSAIC_PERSISTED_QUERIES=safelist ' +
        '(the path of an Apollo persisted query manifest listing the operations that may run)',
    ]);
  }
  if (e.MOSAIC_PERSISTED_QUERIES !== 'safelist' && manifest !== undefined) {
    throw new ConfigError([
      'MOSAIC_PERSISTED_QUERY_MANIFEST: only used when MOSAIC_PERSISTED_QUERIES=safelist, but ' +
        `MOSAIC_PERSISTED_QUERIES is ${e.MOSAIC_PERSISTED_QUERIES}: every operation would run`,
    ]);
  }
}

function sourcesConfig(e: Env): Config['sources'] {
  return {
    enabled: e.MOSAIC_SOURCES,
    defaultTimeoutMs: e.MOSAIC_SOURCE_TIMEOUT_MS,
    timeouts: e.MOSAIC_SOURCE_TIMEOUTS,
    breakerFailures: e.MOSAIC_SOURCE_BREAKER_FAILURES,
    breakerCooldownMs: e.MOSAIC_SOURCE_BREAKER_COOLDOWN_MS,
    cacheTtlSeconds: e.MOSAIC_SOURCE_CACHE_TTL_SECONDS,
    maxBatch: e.MOSAIC_SOURCE_MAX_BATCH,
  };
}

/** Runs after checkCombinations: a JWT key comes with its issuer and audience. */
function authConfig(e: Env): Config['auth'] {
  return {
    enabled: e.MOSAIC_AUTH === 'on',
    adminKey: e.MOSAIC_ADMIN_KEY,
    writeKey: e.MOSAIC_WRITE_KEY,
    jwt: jwtKeyed(e)
      ? {
          ...(e.MOSAIC_JWT_SECRET ? { secret: e.MOSAIC_JWT_SECRET } : {}),
          ...(e.MOSAIC_JWT_PUBLIC_KEY ? { publicKey: e.MOSAIC_JWT_PUBLIC_KEY } : {}),
          issuer: e.MOSAIC_JWT_ISSUER!,
          audience: e.MOSAIC_JWT_AUDIENCE!,
        }
      : null,
    rateLimitPerMinute: e.MOSAIC_RATE_LIMIT_PER_MINUTE,
    failuresPerMinute: e.MOSAIC_AUTH_FAILURES_PER_MINUTE,
    idSecret: e.MOSAIC_ID_SECRET,
    metricsKey: e.MOSAIC_METRICS_KEY,
  };
}

/** Runs after checkCombinations: safelist mode comes with its manifest. */
function graphqlConfig(e: Env): Config['graphql'] {
  const manifest = e.MOSAIC_PERSISTED_QUERY_MANIFEST;
  return {
    maxDepth: e.MOSAIC_MAX_QUERY_DEPTH,
    maxCost: e.MOSAIC_MAX_QUERY_COST,
    maxTokens: e.MOSAIC_MAX_QUERY_TOKENS,
    maxAliases: e.MOSAIC_MAX_QUERY_ALIASES,
    maxOperations: e.MOSAIC_MAX_QUERY_OPERATIONS,
    introspection:
      (e.MOSAIC_INTROSPECTION ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
    persistedQueries:
      e.MOSAIC_PERSISTED_QUERIES === 'safelist'
        ? { mode: 'safelist', manifestPath: manifest!.path, operations: manifest!.operations }
        : { mode: e.MOSAIC_PERSISTED_QUERIES },
  };
}

function identityConfig(e: Env): Config['identity'] {
  return {
    defaultPhoneRegion: e.MOSAIC_DEFAULT_PHONE_REGION,
    limits: e.MOSAIC_IDENTIFIER_LIMITS,
    blocked: e.MOSAIC_BLOCKED_IDENTIFIERS,
    matching: {
      enabled: e.MOSAIC_MATCHING === 'on',
      mergeThreshold: e.MOSAIC_MATCH_MERGE_THRESHOLD,
      reviewThreshold: e.MOSAIC_MATCH_REVIEW_THRESHOLD,
      conflictThreshold: e.MOSAIC_MATCH_CONFLICT_THRESHOLD,
      settleThreshold: e.MOSAIC_MATCH_SETTLE_THRESHOLD,
      settleEveryMs: e.MOSAIC_MATCH_SETTLE_EVERY_MS,
    },
  };
}
