// A watched segment's size between the gateway's counts. Each membership change arrives
// as it is made; the authoritative size (`segmentStats`) counts the segment's members for
// each change, which lags it by seconds while an import keeps the store busy. So a change
// moves the size at once (an entry +1, an exit -1) and is held as pending until the count
// made for it arrives; while none is pending the count is the size. A count may already
// include later changes, so one that arrives while others are pending is not shown: the
// page would step back and forth. A count can also hold a change whose own message is
// still on its way; that message then moves the size once more, until its count puts it
// right. Counts come in the order of their changes, so a count also confirms the changes
// heard before its own: a lost count holds nothing back past the next one, and a change
// whose count never comes is still in the size shown.

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
  /** Changes are withheld from this caller (the privacy floor): sizes come from counts alone. */
  suppressed: boolean;
  /** Changes shown but not yet counted, in the order heard. */
  pending: string[];
  /** Changes counted before their own message arrived: not to be added again. */
  counted: string[];
}

/** Kept of either list: enough for any burst between two counts, bounded if counts stop. */
const REMEMBERED = 1_000;

export const liveSizeFrom = (size: number | null): LiveSize => ({
  size,
  suppressed: false,
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
  return { ...state, size: answer.size, suppressed: answer.sizeSuppressed };
}

/** A membership change as it arrives. */
export function onChange(state: LiveSize, change: LiveChange): LiveSize {
  const key = keyOf(change);
  if (state.counted.includes(key))
    return { ...state, counted: state.counted.filter((k) => k !== key) };
  // A withheld size is the count's to give: a change must not move (or reveal) it.
  if (state.suppressed || state.pending.includes(key)) return state;
  const size =
    state.size === null ? null : Math.max(0, state.size + (change.change === 'ENTERED' ? 1 : -1));
  return { ...state, size, pending: [...state.pending, key].slice(-REMEMBERED) };
}

/** A count, as `segmentStats` sends one per change. */
export function onCount(state: LiveSize, count: LiveCount): LiveSize {
  // No change named: members are withheld from this caller, so the count is all it gets.
  if (count.lastChange === null)
    return { ...state, size: count.size, suppressed: true, pending: [] };
  const key = keyOf(count.lastChange);
  const at = state.pending.indexOf(key);
  // Its own change and every one heard before it are in this count; a change not heard
  // yet comes after every one that was (both feeds keep the order changes are announced).
  const pending = at < 0 ? [] : state.pending.slice(at + 1);
  const remember = at < 0 && !state.suppressed;
  return {
    size: pending.length === 0 ? count.size : state.size,
    suppressed: count.sizeSuppressed,
    pending,
    counted: remember ? [...state.counted, key].slice(-REMEMBERED) : state.counted,
  };
}
