// A watched segment's size between the gateway's counts. Each membership change arrives
// as it is made; the authoritative size (`segmentStats`) counts the segment's members for
// each change, which lags it by seconds while an import keeps the store busy. So a change
// moves the size at once (an entry +1, an exit -1) and is held as pending until the count
// made for it arrives; while none is pending the count is the size. A count may already
// include later changes, so one that arrives while others are pending is not shown: the
// page would step back and forth. A count can also hold a change whose own message is
// still on its way; that message then moves the size once more, until its count puts it
// right (off by the changes in flight, no more). Pending changes not confirmed in time are
// dropped, so a lost message cannot keep the counts out for good.

export interface LiveChange {
  profileId: string;
  change: 'ENTERED' | 'LEFT';
  at: string;
}

export interface LiveSize {
  /** The size shown; null until the segment's first answer or count gives one. */
  size: number | null;
  /** Changes shown but not yet counted: their keys and when they arrived (ms). */
  pending: { key: string; seenAt: number }[];
  /** Changes counted before their own message arrived: not to be added again. */
  counted: string[];
}

/** How long a shown change waits for its count before the counts are trusted again. */
export const PENDING_TTL_MS = 30_000;
const COUNTED_MAX = 200;

export const liveSizeFrom = (size: number | null): LiveSize => ({
  size,
  pending: [],
  counted: [],
});

const keyOf = (c: LiveChange) => `${c.profileId}|${c.change}|${c.at}`;

/** A membership change as it arrives. */
export function onChange(state: LiveSize, change: LiveChange, now: number): LiveSize {
  const key = keyOf(change);
  if (state.counted.includes(key))
    return { ...state, counted: state.counted.filter((k) => k !== key) };
  if (state.pending.some((p) => p.key === key)) return state; // a repeat
  const size =
    state.size === null ? null : Math.max(0, state.size + (change.change === 'ENTERED' ? 1 : -1));
  return { ...state, size, pending: [...state.pending, { key, seenAt: now }] };
}

/** A count, made for `lastChange` (null when the caller may not hear of members). */
export function onCount(
  state: LiveSize,
  count: { size: number; lastChange: LiveChange | null },
  now: number,
): LiveSize {
  const key = count.lastChange ? keyOf(count.lastChange) : null;
  const waited = state.pending.some((p) => p.key === key);
  const pending = state.pending.filter((p) => p.key !== key && now - p.seenAt < PENDING_TTL_MS);
  const counted =
    key === null || waited ? state.counted : [...state.counted, key].slice(-COUNTED_MAX);
  return { size: pending.length === 0 ? count.size : state.size, pending, counted };
}
