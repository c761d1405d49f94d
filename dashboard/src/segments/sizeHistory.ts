// A segment's size over time, from what the API holds: hourly health points, and the
// latest membership changes walked back from the current size (each entry added one
// member, each exit removed one), so the chart has a past the moment it opens.

export interface SizePoint {
  /** Unix seconds. */
  t: number;
  size: number;
}

interface Change {
  change: 'ENTERED' | 'LEFT';
  at: string;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * `changes` newest first, as `recentChanges` returns them; `size` as read with them at
 * `now`. Health points older than the oldest change come first; the result is oldest first.
 */
export function sizeHistory(
  size: number,
  now: number,
  changes: readonly Change[],
  health: readonly { at: string; size: number }[],
): SizePoint[] {
  const walked: SizePoint[] = [{ t: now, size }];
  let current = size;
  for (const c of changes) {
    walked.push({ t: seconds(c.at), size: current });
    current = Math.max(0, current + (c.change === 'ENTERED' ? -1 : 1));
  }
  const oldest = changes.at(-1);
  if (oldest) walked.push({ t: seconds(oldest.at) - 0.001, size: current });
  const before = oldest ? seconds(oldest.at) : Infinity;
  const past = health.map((p) => ({ t: seconds(p.at), size: p.size })).filter((p) => p.t < before);
  return [...past, ...walked.reverse()].sort((a, b) => a.t - b.t);
}
