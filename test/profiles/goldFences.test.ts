import type { GoldDocuments } from '../../src/profiles/goldDocuments';
import { GoldFences } from '../../src/profiles/goldFences';
import { silentLogger } from '../support/env';

/**
 * A fence that cannot land is retried, and the process serves no gold document until
 * every fence it owes has landed, including one that failed again while a retry of an
 * earlier one was in flight (that retry must not clear it).
 */

/** A layer whose fences are answered by the test, one at a time. */
function scriptedLayer() {
  const calls: { ids: string[]; settle: (ok: boolean) => void }[] = [];
  const layer: GoldDocuments = {
    read: () => Promise.reject(new Error('not used')),
    fill: () => Promise.reject(new Error('not used')),
    fence: (ids) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ ids, settle: (ok) => (ok ? resolve() : reject(new Error('unreachable'))) });
      }),
  };
  return { layer, calls };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(check()).toBe(true);
};

test('a fence failing again while its retry is in flight stays owed until a later retry lands', async () => {
  const { layer, calls } = scriptedLayer();
  const fences = new GoldFences([layer], silentLogger);
  try {
    const first = fences.fence(['p']);
    calls[0]!.settle(false);
    await first;
    expect(fences.trusted()).toBe(false);

    await until(() => calls.length === 2); // the retry, about a second later
    expect(calls[1]!.ids).toEqual(['p']);
    // A later write to the same profile fails to fence while that retry is in flight…
    const second = fences.fence(['p']);
    calls[2]!.settle(false);
    await second;
    // …so the retry landing does not make the process trust its gold documents again.
    calls[1]!.settle(true);
    await new Promise((r) => setImmediate(r));
    expect(fences.trusted()).toBe(false);

    await until(() => calls.length === 4);
    calls[3]!.settle(true);
    await until(() => fences.trusted());
  } finally {
    fences.close();
  }
});

test('fenceNow reports a layer it cannot fence, and keeps nothing for retry', async () => {
  const { layer, calls } = scriptedLayer();
  const fences = new GoldFences([layer], silentLogger);
  const attempt = fences.fenceNow(['p']);
  calls[0]!.settle(false);
  await expect(attempt).rejects.toThrow('unreachable');
  expect(fences.trusted()).toBe(true);
  fences.close();
});

test('the stored layer is fenced before the hot tier, and a failure stops there', async () => {
  const stored = scriptedLayer();
  const hot = scriptedLayer();
  const fences = new GoldFences([stored.layer, hot.layer], silentLogger);
  const attempt = fences.fenceNow(['p']);
  expect(hot.calls).toHaveLength(0);
  stored.calls[0]!.settle(true);
  await until(() => hot.calls.length === 1);
  hot.calls[0]!.settle(true);
  await attempt;
  fences.close();
});
