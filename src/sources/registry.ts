import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config/env';
import type { OrderStore } from '../orders/orderStore';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import { createCrmSource } from './crmSource';
import { createEventsSource } from './eventsSource';
import { createOrdersSource } from './ordersSource';
import { ResilientSource } from './resilientSource';
import type { SourceAdapter } from './sourceAdapter';
import type { StaleCache } from './staleCache';

/** What adapters may be built from. */
export interface SourceDeps {
  store: IdentityGraphStore;
  orderStore: OrderStore;
}

/** Built-in adapters by configuration name (`MOSAIC_SOURCES`). A new source is one line here. */
const BUILT_IN = {
  crm: (deps: SourceDeps) => createCrmSource(deps.store),
  orders: (deps: SourceDeps) => createOrdersSource(deps.orderStore),
  events: (deps: SourceDeps) => createEventsSource(deps.store),
} satisfies Record<string, (deps: SourceDeps) => SourceAdapter<never, unknown>>;

type BuiltIn = typeof BUILT_IN;
type AdapterOf<K extends keyof BuiltIn> = ReturnType<BuiltIn[K]>;
type Resilient<A> =
  A extends SourceAdapter<infer Req, infer Res> ? ResilientSource<Req, Res> : never;

/** The enabled sources of this process (null: disabled by configuration). */
export type SourceSet = { [K in keyof BuiltIn]: Resilient<AdapterOf<K>> | null } & {
  all: ResilientSource<never, unknown>[];
};

export function createSources(
  config: Config['sources'],
  deps: SourceDeps,
  cache: StaleCache,
  logger: Logger,
): SourceSet {
  const unknown = config.enabled.filter((name) => !(name in BUILT_IN));
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map(
        (name) =>
          `MOSAIC_SOURCES: unknown source "${name}" (known: ${Object.keys(BUILT_IN).join(', ')})`,
      ),
    );
  }
  const build = <K extends keyof BuiltIn>(name: K) => {
    if (!config.enabled.includes(name)) return null;
    const adapter = BUILT_IN[name](deps) as SourceAdapter<unknown, unknown>;
    return new ResilientSource(
      adapter,
      {
        timeoutMs: config.timeouts[name] ?? config.defaultTimeoutMs,
        breakerFailures: config.breakerFailures,
        breakerCooldownMs: config.breakerCooldownMs,
        cacheTtlSeconds: config.cacheTtlSeconds,
        maxBatchSize: Math.min(adapter.maxBatchSize, config.maxBatch ?? Number.POSITIVE_INFINITY),
      },
      cache,
      logger,
    ) as unknown as Resilient<AdapterOf<K>>;
  };
  const set = { crm: build('crm'), orders: build('orders'), events: build('events') };
  return {
    ...set,
    all: Object.values(set).filter((s) => s !== null),
  };
}
