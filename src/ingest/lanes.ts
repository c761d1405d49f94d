import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Work lanes. Live work (a visitor's events, one contact's change) is enriched ahead of
 * bulk work (an import: a large batch of events, contacts or orders), so a live segment
 * change never waits behind an import. The lane is carried by the async context of the
 * request or pipeline batch that causes the work, so every enrichment request it makes,
 * however deep (a merge announced by the identity graph), is queued in its lane.
 */
export type Lane = 'live' | 'bulk';

const current = new AsyncLocalStorage<Lane>();

/** Runs `work` with every enrichment it causes queued in `lane`. */
export const inLane = <T>(lane: Lane, work: () => Promise<T>): Promise<T> =>
  current.run(lane, work);

/** The lane of the work running now (live unless an import said otherwise). */
export const currentLane = (): Lane => current.getStore() ?? 'live';

/** A request of more records than `liveMax` is an import. */
export const laneForSize = (records: number, liveMax: number): Lane =>
  records > liveMax ? 'bulk' : 'live';
