/**
 * Segment health (#23): a segment's size over time, its entries and exits, how many
 * members it keeps, and alerts when its size or churn moves beyond its recent history.
 * Over-segmentation and silent data breaks (a feed stops, half the profiles lose their
 * orders) show up here first. Pure: the points come from the membership log.
 */

/** One point of a segment's history: at a refresh, or at the end of an hour. */
export interface HealthPoint {
  at: Date;
  size: number;
  /** Profiles that entered and left since the previous point. */
  entered: number;
  exited: number;
}

export interface HealthThresholds {
  /** Points of history the latest is judged against. */
  window: number;
  /** Fewer points of history than this: no judgement yet. */
  minHistory: number;
  /** How many robust standard deviations from the recent median raise an alert. */
  deviations: number;
  /**
   * The least step that can raise an alert, as a share of the segment (a change of size,
   * or churn above its median): a segment steady to the unit would otherwise alert on any
   * wobble.
   */
  minRelativeChange: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  window: 24,
  minHistory: 6,
  deviations: 4,
  minRelativeChange: 0.2,
};

export interface HealthAlert {
  kind: 'SIZE' | 'CHURN';
  at: Date;
  /** The latest step: the relative change of size, or the churn. */
  value: number;
  /** The recent steps' median it is compared with. */
  median: number;
  /** (value − median) / robust standard deviation. */
  deviations: number;
  message: string;
}

/** Share of the previous point's members still in at this one (1 when it was empty). */
export function stability(previous: HealthPoint, point: HealthPoint): number {
  return previous.size === 0 ? 1 : Math.max(0, previous.size - point.exited) / previous.size;
}

/** Entries and exits over the previous size: how much of the segment turned over. */
export function churn(previous: HealthPoint, point: HealthPoint): number {
  return (point.entered + point.exited) / Math.max(1, previous.size);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The latest point against the `window` before it: an alert when it sits `deviations`
 * robust standard deviations (1.4826 × the median absolute deviation) from their median,
 * and moved at least `minRelativeChange` of it. The spread is floored at that least
 * change over `deviations`, so a history with no spread at all alerts on a real change,
 * not on one profile.
 */
function judge(
  history: readonly number[],
  value: number,
  scale: number,
  t: HealthThresholds,
): { median: number; deviations: number } | null {
  const m = median(history);
  const mad = 1.4826 * median(history.map((x) => Math.abs(x - m)));
  const least = t.minRelativeChange * scale;
  const spread = Math.max(mad, least / t.deviations, Number.EPSILON);
  const z = (value - m) / spread;
  return Math.abs(z) >= t.deviations && Math.abs(value - m) >= least
    ? { median: m, deviations: z }
    : null;
}

/** The relative change of size from `previous` to `point` (−0.5: half the segment left). */
export function sizeChange(previous: HealthPoint, point: HealthPoint): number {
  return (point.size - previous.size) / Math.max(1, previous.size);
}

/**
 * Alerts on the latest of `points` (oldest first), against its recent history. Both
 * measures are steps, not levels: a segment that grows steadily is drifting, not broken,
 * while a step far outside its recent steps is a break.
 * - SIZE: the relative change of size since the previous point, against the recent ones;
 * - CHURN: entries and exits over the previous size, when above its recent levels.
 */
export function healthAlerts(
  points: readonly HealthPoint[],
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): HealthAlert[] {
  // Each measure needs a point before it: the history's first point has none.
  if (points.length < thresholds.minHistory + 2) return [];
  const recent = points.slice(-thresholds.window - 2);
  const steps = (measure: (a: HealthPoint, b: HealthPoint) => number) =>
    recent.slice(1).map((p, i) => measure(recent[i]!, p));
  const alerts: HealthAlert[] = [];
  const latest = points.at(-1)!;
  const sizes = steps(sizeChange);
  const change = sizes.at(-1)!;
  const size = judge(sizes.slice(0, -1), change, 1, thresholds);
  if (size)
    alerts.push({
      kind: 'SIZE',
      at: latest.at,
      value: change,
      ...size,
      message:
        `size ${change > 0 ? 'rose' : 'fell'} ${(Math.abs(change) * 100).toFixed(1)}% to ` +
        `${latest.size} since the previous point, against recent steps of ` +
        `${(size.median * 100).toFixed(1)}% (${size.deviations.toFixed(1)} robust SDs)`,
    });
  const churns = steps(churn);
  const value = churns.at(-1)!;
  const judged = judge(churns.slice(0, -1), value, 1, thresholds);
  if (judged && value > judged.median)
    alerts.push({
      kind: 'CHURN',
      at: latest.at,
      value,
      ...judged,
      message:
        `${(value * 100).toFixed(1)}% of the segment entered or left, against a recent ` +
        `median of ${(judged.median * 100).toFixed(1)}%`,
    });
  return alerts;
}
