import type { IdentifierKind } from '../identity/kinds';

/**
 * A system that owns part of a profile (a CRM, the order database, the event store),
 * seen through the one operation Mosaic needs from it: answer many profiles' requests in
 * one round trip. Timeouts, the circuit breaker and the stale cache are added around it
 * (`resilientSource.ts`), so an adapter is only the query itself: a new source is one
 * new file plus a line in `registry.ts`.
 */
export interface SourceAdapter<Req, Res> {
  /** Lower-case name, used in configuration, cache keys and `Profile.sourceStatus`. */
  readonly name: string;
  /**
   * What a profile is found by in this source: the values of one identifier kind (a CRM
   * id, a customer id), or `PROFILE` for data Mosaic keeps per profile itself.
   */
  readonly keyedBy: IdentifierKind | 'PROFILE';
  /** Most requests answered by one call to `loadMany`; larger batches are split. */
  readonly maxBatchSize: number;
  /** A string that is equal for equal requests: the DataLoader and cache key. */
  requestKey(request: Req): string;
  /** Answers each request, in order. Called once per batch. */
  loadMany(requests: readonly Req[]): Promise<Res[]>;
}

/** What a profile read got from one source. */
export interface SourceResult<Res> {
  /** Null when the source could not answer and nothing was cached. */
  value: Res | null;
  /** True when `value` came from the cache because the source did not answer. */
  stale: boolean;
  /** When `value` was read from the source. */
  asOf: Date | null;
  /** Why the source did not answer, when it did not. */
  error: string | null;
}

/** Per-source settings from configuration. */
export interface SourcePolicy {
  timeoutMs: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  cacheTtlSeconds: number;
  /** Largest batch sent in one call: the adapter's own limit, or lower by configuration. */
  maxBatchSize: number;
}
