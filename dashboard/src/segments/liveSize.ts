// A watched segment's size between the gateway's counts. Each membership change arrives
// as it is made; the authoritative size (`segmentStats`) counts the segment's members for
// each change, which lags it by seconds while an import keeps the store busy. So a change
// moves the size at once (an entry +1, an exit -1) and is held as pending until the count
// made for it arrives; while none is pending the count is the size. A count may already
// include later changes, so one that arrives while others are pending is not shown: the
// page would step back and forth. A count can also hold a change whose own message is
// still on its way; that message then moves the size once more, until its count puts it
// right. Pending changes not confirmed in time are dropped and the latest count shown, so
// a lost message cannot hold the counts back for good.

export interface LiveChange {
  profileId: string;
  change: 'ENTERED' | 'LEFT';
  at: string;
}

export interface LiveCount {
  size: number;
  sizeSuppressed: boolean;
  /** The change the count was made for; null when the caller may not hear of members. */
  lastChange: LiveChange | null;
}

export interface LiveSize {
  /** The size shown; null until the segment's first answer or a count gives one. */
  size: number | null;
  /** The latest count: shown once no change waits on a count any more. */
  lastCount: number | null;
  /** Below the privacy floor for this caller: sizes come from the counts alone. */
  suppressed: boolean;
  /** Changes shown but not yet counted: their keys and when they arrived (ms). */
  pending: { key: string; seenAt: number }[];
  /** Changes counted before their own message arrived: not to be added again. */
  counted: string[];
}

/** How long a shown change waits for its count before the latest count is trusted again. */
export const PENDING_TTL_MS = 30_000;
const COUNTED_MAX = 200;

export const liveSizeFrom = (size: number | null, suppressed = false): LiveSize => ({
  size,
  lastCount: size,
  suppressed,
  pending: [],
  counted: [],
});

const keyOf = (c: LiveChange) => `${c.profileId}|${c.change}|${c.at}`;

/** The segment's first answer: the size to start from, unless a count already gave one. */
export function onAnswer(
  state: LiveSize,
  answer: { size: number; sizeSuppressed: boolean },
): LiveSize {
  if (state.size !== null) return state;
  return {
    ...state,
    size: answer.size,
    lastCount: state.lastCount ?? answer.size,
    suppressed: answer.sizeSuppressed,
  };
}

/** A membership change as it arrives. */
export function onChange(state: LiveSize, change: LiveChange, now: number): LiveSize {
  const key = keyOf(change);
  if (state.counted.includes(key))
    return { ...state, counted: state.counted.filter((k) => k !== key) };
  // A suppressed size is 0 to this caller; a change must not reveal the one beneath.
  if (state.suppressed || state.pending.some((p) => p.key === key)) return state;
  const size =
    state.size === null ? null : Math.max(0, state.size + (change.change === 'ENTERED' ? 1 : -1));
  return { ...state, size, pending: [...state.pending, { key, seenAt: now }] };
}

/** A count, as `segmentStats` sends one per change. */
export function onCount(state: LiveSize, count: LiveCount, now: number): LiveSize {
  const counted = { lastCount: count.size, suppressed: count.sizeSuppressed };
  // No change named: the caller hears of none (the floor), so nothing it holds is pending.
  if (count.lastChange === null) return { ...state, ...counted, size: count.size, pending: [] };
  const key = keyOf(count.lastChange);
  const waited = state.pending.some((p) => p.key === key);
  const pending = state.pending.filter((p) => p.key !== key && now - p.seenAt < PENDING_TTL_MS);
  return {
    ...counted,
    size: pending.length === 0 ? count.size : state.size,
    pending,
    counted: waited ? state.counted : [...state.counted, key].slice(-COUNTED_MAX),
  };
}

/** Called now and then: changes whose count never came stop holding the latest count back. */
export function expire(state: LiveSize, now: number): LiveSize {
  const pending = state.pending.filter((p) => now - p.seenAt < PENDING_TTL_MS);
  if (pending.length === state.pending.length) return state;
  return { ...state, pending, size: pending.length === 0 ? state.lastCount : state.size };
}
