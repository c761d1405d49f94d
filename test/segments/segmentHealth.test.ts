import { churn, healthAlerts, stability, type HealthPoint } from '../../src/segments/segmentHealth';
import { seededRandom, type Random } from '../../src/seededRandom';

/**
 * Segment health alerts: a planted data break (half the members leaving at once, as when
 * half the profiles lose their orders) must raise an alert, and normal drift (a segment
 * growing or shrinking by up to 2% a point, with 3-7% of it turning over) must not, over
 * many generated histories.
 */

const HOUR = 3_600_000;
const START = new Date('2026-12-01T00:00:00Z').getTime();

/** A history of `n` hourly points drifting by up to ±2% with 3-7% churn. */
function drifting(rand: Random, n: number, start = 1_000): HealthPoint[] {
  const points: HealthPoint[] = [{ at: new Date(START), size: start, entered: 0, exited: 0 }];
  for (let i = 1; i < n; i++) {
    const previous = points[i - 1]!;
    const turnover = Math.round(previous.size * (0.03 + 0.04 * rand.next()));
    const net = Math.round(previous.size * (rand.next() - 0.5) * 0.04);
    const exited = Math.max(0, Math.round(turnover / 2 - net / 2));
    const entered = Math.max(0, turnover - exited + net);
    points.push({
      at: new Date(START + i * HOUR),
      size: previous.size + entered - exited,
      entered,
      exited,
    });
  }
  return points;
}

test('normal drift raises no alert, at any point of many generated histories', () => {
  const rand = seededRandom(31);
  for (let trial = 0; trial < 100; trial++) {
    const points = drifting(rand, 48, rand.int(50, 50_000));
    for (let end = 1; end <= points.length; end++)
      expect(healthAlerts(points.slice(0, end))).toEqual([]);
  }
});

test('a planted data break, half the members leaving at once, raises a size and a churn alert', () => {
  const rand = seededRandom(32);
  for (let trial = 0; trial < 50; trial++) {
    const points = drifting(rand, 30, rand.int(200, 50_000));
    const last = points.at(-1)!;
    const broken: HealthPoint = {
      at: new Date(last.at.getTime() + HOUR),
      size: last.size - Math.floor(last.size / 2),
      entered: 0,
      exited: Math.floor(last.size / 2),
    };
    const alerts = healthAlerts([...points, broken]);
    expect(alerts.map((a) => a.kind).sort()).toEqual(['CHURN', 'SIZE']);
    const size = alerts.find((a) => a.kind === 'SIZE')!;
    expect(size.deviations).toBeLessThan(-4);
    expect(size.value).toBeCloseTo(-0.5, 2);
    expect(size.message).toMatch(/^size fell 50\.\d% to \d+ since the previous point/);
  }
});

test('a sudden doubling alerts too; a segment with too little history is not judged', () => {
  const rand = seededRandom(33);
  const points = drifting(rand, 20);
  const last = points.at(-1)!;
  const doubled = {
    at: new Date(last.at.getTime() + HOUR),
    size: last.size * 2,
    entered: last.size,
    exited: 0,
  };
  expect(healthAlerts([...points, doubled]).map((a) => a.kind)).toContain('SIZE');
  expect(healthAlerts([...points.slice(0, 4), doubled])).toEqual([]);
});

test('stability is the share of members kept; churn is entries and exits over the size', () => {
  const a = { at: new Date(START), size: 100, entered: 0, exited: 0 };
  const b = { at: new Date(START + HOUR), size: 110, entered: 20, exited: 10 };
  expect(stability(a, b)).toBeCloseTo(0.9, 12);
  expect(churn(a, b)).toBeCloseTo(0.3, 12);
  expect(stability({ ...a, size: 0 }, b)).toBe(1);
});
