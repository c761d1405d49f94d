/** A Segment tracking-API call as an SDK POSTs it in a `/v1/batch` `batch` array. */
export type Call = Record<string, unknown>;

/** Consecutive batches of `size` calls, in stream order. */
export function batchesOf(calls: readonly Call[], size: number): Call[][] {
  const batches: Call[][] = [];
  for (let i = 0; i < calls.length; i += size) batches.push(calls.slice(i, i + size));
  return batches;
}

/**
 * The same people back `days` later: each track and page call again, from the same
 * device or user, with a new messageId (`<prefix>-<n>`). No identify or alias: their
 * links exist.
 */
export function returningVisits(calls: readonly Call[], prefix: string, days = 1): Call[] {
  const later = days * 24 * 3600 * 1000;
  return calls
    .filter((c) => c.type === 'track' || c.type === 'page')
    .map((c, i) => ({
      ...c,
      messageId: `${prefix}-${i}`,
      timestamp: new Date(
        Math.min(Date.now(), Date.parse(String(c.timestamp)) + later),
      ).toISOString(),
    }));
}

/**
 * `count` returning visits `days` later, cycling through the stream's track and page
 * calls as often as needed, each with a new messageId (`<prefix>-<n>`).
 */
export function moreVisits(calls: readonly Call[], prefix: string, count: number, days: number) {
  const visits = returningVisits(calls, prefix, days);
  if (visits.length === 0) throw new Error('the stream has no track or page calls to repeat');
  return Array.from({ length: count }, (_, i) => ({
    ...visits[i % visits.length]!,
    messageId: `${prefix}-${i}`,
  }));
}
