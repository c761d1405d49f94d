import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

import type { SizePoint } from './sizeHistory';

function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

function timeRange(xs: ArrayLike<number>): uPlot.Range.MinMax {
  const now = Date.now() / 1000;
  const last = xs.length > 0 ? xs[xs.length - 1]! : now;
  const first = xs.length > 0 ? xs[0]! : now;
  return [Math.min(first, last - 300), last + 15];
}

function options(width: number): uPlot.Options {
  const text = themeColor('--fg-muted', '#555');
  const grid = themeColor('--border', '#ddd');
  const axis = {
    stroke: text,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
  };
  return {
    width,
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // From the data, at least five minutes wide: uPlot widens a single time point to
      // 1,000 days (its day in milliseconds, read as seconds).
      x: { time: true, range: (u) => timeRange(u.data[0]) },
      y: { range: (_u, min, max) => [Math.max(0, min - 1), max + 1] },
    },
    axes: [axis, { ...axis, size: 56 }],
    series: [
      {},
      {
        label: 'members',
        stroke: themeColor('--accent', '#2563eb'),
        width: 2,
        // A size holds until the next change: steps, not slopes.
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: true, size: 5 },
      },
    ],
  };
}

/**
 * The segment's size over time: hourly health points, then a point per membership change
 * as `segmentStats` delivers it. uPlot draws on a canvas, so the latest value is also
 * written out as text for screen readers (and the browser test).
 */
export function SizeChart({ points, label }: { points: SizePoint[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot(options(Math.max(200, el.clientWidth)), [[], []], el);
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(200, el.clientWidth), height: 220 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData([points.map((p) => p.t), points.map((p) => p.size)]);
  }, [points]);

  const last = points.at(-1);
  return (
    <figure className="chart">
      <div ref={box} role="img" aria-label={`${label}: members over time`} />
      <figcaption data-testid="chart-latest">
        {last
          ? `Latest: ${last.size} member${last.size === 1 ? '' : 's'} at ${new Date(last.t * 1000).toLocaleTimeString()} (${points.length} point${points.length === 1 ? '' : 's'})`
          : 'No sizes yet'}
      </figcaption>
    </figure>
  );
}
