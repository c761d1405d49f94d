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

/** Live work running in this process now, and bulk work waiting for it to finish. */
let liveRunning = 0;
let bulkWaiting: (() => void)[] = [];

/**
 * Runs `work` with every enrichment it causes queued in `lane`. While live work runs,
 * bulk work in this process pauses at its next step (see `yieldToLive`).
 */
export async function inLane<T>(lane: Lane, work: () => Promise<T>): Promise<T> {
  if (lane === 'bulk') return current.run(lane, work);
  liveRunning++;
  try {
    return await current.run(lane, work);
  } finally {
    if (--liveRunning === 0) {
      const waiting = bulkWaiting;
      bulkWaiting = [];
      for (const resume of waiting) resume();
    }
  }
}

/**
 * Called by bulk work between its steps (one identity's events, one contact): waits while
 * live work runs in this process, at most `maxWaitMs`, so an import never holds the
 * store's writers (one at a time on FerretDB's SQLite) while a visitor's event waits for
 * them, and a steady stream of live work still leaves the import a turn. Live work does
 * not wait.
 */
export async function yieldToLive(maxWaitMs = 250): Promise<void> {
  if (liveRunning === 0 || currentLane() !== 'bulk') return;
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resume) => {
    bulkWaiting.push(resume);
    timer = setTimeout(resume, maxWaitMs);
  });
  clearTimeout(timer);
}

/** The lane of the work running now (live unless an import said otherwise). */
export const currentLane = (): Lane => current.getStore() ?? 'live';

/** A request of more records than `liveMax` is an import. */
export const laneForSize = (records: number, liveMax: number): Lane =>
  records > liveMax ? 'bulk' : 'live';
