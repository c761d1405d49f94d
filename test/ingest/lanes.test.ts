import { currentLane, inLane, yieldToLive } from '../../src/ingest/lanes';

/**
 * Live work first inside a process: bulk work that reaches a step while live work runs
 * waits until the live work ends (or at most its bound); live work never waits.
 */

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with how long a bulk step waited at `yieldToLive`. */
const bulkStep = (maxWaitMs?: number) =>
  inLane('bulk', async () => {
    const began = Date.now();
    await yieldToLive(maxWaitMs);
    return Date.now() - began;
  });

test('a bulk step waits while live work runs and goes on as soon as it ends', async () => {
  // Compared by when each ends (not by how long the step waited: on a loaded machine the
  // step may begin well after the live work did).
  const live = inLane('live', () => later(120)).then(() => Date.now());
  const bulk = bulkStep(5_000).then(() => Date.now());
  const [liveEnded, bulkEnded] = await Promise.all([live, bulk]);
  expect(bulkEnded).toBeGreaterThanOrEqual(liveEnded);
  expect(bulkEnded - liveEnded).toBeLessThan(500);
});

test('a bulk step does not wait when no live work runs, nor longer than its bound', async () => {
  expect(await bulkStep()).toBeLessThan(20);
  const live = inLane('live', () => later(1_000));
  const ms = await bulkStep(100);
  expect(ms).toBeGreaterThanOrEqual(90);
  expect(ms).toBeLessThan(600);
  await live;
});

test('live work never waits, and each lane sees its own lane through async context', async () => {
  const longLive = inLane('live', () => later(500));
  const liveStep = await inLane('live', async () => {
    const began = Date.now();
    await yieldToLive(5_000);
    return { ms: Date.now() - began, lane: currentLane() };
  });
  expect(liveStep.ms).toBeLessThan(20);
  expect(liveStep.lane).toBe('live');
  expect(await inLane('bulk', () => Promise.resolve(currentLane()))).toBe('bulk');
  await longLive;
});

test('overlapping live work holds bulk steps until the last of it ends', async () => {
  const a = inLane('live', () => later(100));
  const b = inLane('live', () => later(250));
  const ms = await bulkStep(5_000);
  expect(ms).toBeGreaterThanOrEqual(230);
  await Promise.all([a, b]);
});
