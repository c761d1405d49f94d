import { badInput } from '../errors';

/**
 * How far from now an event's time may be (`MOSAIC_EVENT_MAX_AGE_DAYS`,
 * `MOSAIC_EVENT_MAX_FUTURE_MS`). Without bounds, a client could stamp events in year
 * −10000 or at the edge of what dates can hold: they sort before all real history, skew
 * every "days since" trait and segment, and can break date arithmetic downstream.
 */
export interface EventTimeBounds {
  /** Events that happened longer ago than this are refused. */
  maxAgeDays: number;
  /** Events stamped further ahead than this are clock errors, not data. */
  maxFutureMs: number;
}

/** The configuration's defaults (`src/config/env.ts`), for services built without one. */
export const DEFAULT_EVENT_TIME_BOUNDS: EventTimeBounds = {
  maxAgeDays: 3650,
  maxFutureMs: 24 * 60 * 60 * 1000,
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** Where device clocks reset to: no real clock shows an earlier time. */
const UNIX_EPOCH_MS = 0;

/**
 * Refuses an event time outside [now − max age, now + max future]. Both entry points
 * (GraphQL `trackEvents` and the tracking API) call this on the time that would be
 * stored, so they accept exactly the same times; `note` says how that time was derived
 * when it is not the one sent (the `sentAt` correction).
 */
export function assertEventTime(
  time: Date,
  field: string,
  bounds: EventTimeBounds,
  now: number = Date.now(),
  note = '',
): void {
  const earliest = now - bounds.maxAgeDays * DAY_MS;
  const latest = now + bounds.maxFutureMs;
  if (within(time, earliest, latest)) return;
  throw badInput(
    field,
    `must be between ${iso(earliest)} and ${iso(latest)} (at most ${bounds.maxAgeDays} days ` +
      `ago and ${bounds.maxFutureMs} ms ahead), got ${shown(time)}${note}`,
  );
}

/**
 * Refuses a `sentAt` no device clock could show. Its window is wider than events' on
 * purpose: correcting a clock that is far off (one reset to the epoch is common) is what
 * `sentAt` is for, so it may be as far back as the epoch and as far ahead as events may
 * be old. Outside that it is garbage or forged, and the shift it drives would be too.
 */
export function assertSentAt(
  sentAt: Date,
  field: string,
  bounds: EventTimeBounds,
  now: number = Date.now(),
): void {
  const reach = bounds.maxAgeDays * DAY_MS;
  const earliest = Math.min(UNIX_EPOCH_MS, now - reach);
  const latest = now + Math.max(reach, bounds.maxFutureMs);
  if (within(sentAt, earliest, latest)) return;
  throw badInput(
    field,
    `must be between ${iso(earliest)} and ${iso(latest)} (a device clock's time), ` +
      `got ${shown(sentAt)}`,
  );
}

/** False for an invalid date too (a shift can overflow what dates hold). */
function within(time: Date, earliest: number, latest: number): boolean {
  const ms = time.getTime();
  return ms >= earliest && ms <= latest;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function shown(time: Date): string {
  return Number.isNaN(time.getTime()) ? 'a time beyond what dates can hold' : time.toISOString();
}
