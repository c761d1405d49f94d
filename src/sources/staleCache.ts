export interface CachedValue<T> {
  value: T;
  asOf: Date;
}

/**
 * The last answer each source gave for each request, kept so that a profile read can
 * still answer (marked stale) while a source is down. Writes are best effort: a cache
 * that fails only means there is nothing to fall back to.
 */
export interface StaleCache {
  setMany<T>(source: string, entries: { key: string; value: T }[], asOf: Date): Promise<void>;
  /** The cached answer for each key, in order; null where there is none. */
  getMany<T>(source: string, keys: string[]): Promise<(CachedValue<T> | null)[]>;
}
