import { cpus } from 'node:os';
import { round } from '../../lib/latency';
import type { CpuPerEvent } from './cpu';
import type { DrainResult } from './drain';

/**
 * What bounds a missed target, from the run's own measurements: a part that keeps the
 * machine's CPUs busy is bounded by its CPU per event (the figure that would have to
 * fall), one that leaves them idle by something serial (a batch at a time, polling).
 */

/** Above this share of every CPU busy, a part is taken as CPU-bound. */
const CPU_BOUND_SHARE = 0.85;
/** Above this share of the machine's CPU spent by other work, a part's figure is noisy. */
const NOISY_SHARE = 0.1;

/** Other work's share of the machine's CPU in a part; null when not measured. */
export function otherShare(cpu: CpuPerEvent): number | null {
  return cpu.machine === null || cpu.other === null || cpu.machine === 0
    ? null
    : cpu.other / cpu.machine;
}

/**
 * The parts in which other work (someone else's, on a shared machine) took a noticeable
 * share of the CPU: their figures are low by up to that share, or more where it held
 * a lock or a core the part waited for.
 */
export function noisyParts(parts: readonly [string, CpuPerEvent][]): string | null {
  const noisy = parts
    .map(([label, cpu]) => [label, otherShare(cpu)] as const)
    .filter((p): p is readonly [string, number] => p[1] !== null && p[1] > NOISY_SHARE)
    .map(([label, share]) => `${label} ${n0(100 * share)}%`);
  return noisy.length === 0
    ? null
    : `noisy parts (other work's share of the machine's CPU while measured; rerun when the machine is quiet): ${noisy.join(', ')}`;
}

const LABELS: Record<Exclude<keyof CpuPerEvent, 'machine' | 'busyShare'>, string> = {
  workers: 'worker processes',
  store: 'FerretDB',
  postgresql: 'PostgreSQL',
  redis: 'Redis',
  bench: 'bench process',
  other: 'other work on the machine (not Mosaic)',
};

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');

/** "CPU-bound: …" or "not CPU-bound: …", with the per-process split and the ceiling it implies. */
export function cpuBound(cpu: CpuPerEvent, target: number): string {
  if (cpu.machine === null || cpu.machine === 0 || cpu.busyShare === null)
    return 'CPU not measured';
  const cores = cpus().length;
  const busy = cpu.busyShare;
  const parts = (Object.keys(LABELS) as (keyof typeof LABELS)[])
    .map((k) => [LABELS[k], cpu[k]] as const)
    .filter((p): p is readonly [string, number] => p[1] !== null && p[1] > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([label, ms]) => `${label} ${round(ms, 2)}`)
    .join(', ');
  return (
    `${busy >= CPU_BOUND_SHARE ? 'CPU-bound' : 'not CPU-bound'}: the machine ${n0(100 * busy)}% busy ` +
    `(${cores} CPUs) at ${round(cpu.machine, 2)} ms of CPU per event (${parts}), ` +
    `so at most ${n0((cores * 1000) / cpu.machine)} events/s at this cost; ` +
    `${n0(target)} events/s needs ≤ ${round((cores * 1000) / target, 2)} ms per event` +
    ((otherShare(cpu) ?? 0) > NOISY_SHARE
      ? ` (other work took ${n0(100 * otherShare(cpu)!)}% of the CPU here: this part's figure is low for it)`
      : '')
  );
}

/** Acceptance: the gateway side's CPU, and the baseline's own rate when it too is short. */
export function acceptanceBound(baselineRate: number, cpu: CpuPerEvent, target: number): string {
  const baseline =
    baselineRate < target
      ? `; the raw insertMany baseline itself reached ${n0(baselineRate)} events/s in the same minutes`
      : '';
  return `${cpuBound(cpu, target)} (the bench process is the gateway and its HTTP senders)${baseline}`;
}

/**
 * A drain: its CPU, and when the machine was not busy, the serial work (batches at a
 * time); with two workers, how much the second added.
 */
export function pipelineBound(
  d: DrainResult,
  target: number,
  oneWorker: DrainResult | null,
  loops: number,
  withoutEnrichment: DrainResult | null,
): string {
  const notes = [cpuBound(d.cpuMsPerEvent, target)];
  notes.push(
    `batches of ${d.batches.meanEvents} events took p50 ${n0(d.batches.p50Ms)} ms (${loops} batch${loops > 1 ? 'es' : ''} at a time per worker in this lane)`,
  );
  if (oneWorker !== null) notes.push(secondWorker(d, oneWorker));
  if (withoutEnrichment !== null)
    notes.push(
      `the same drain by a pipeline in the bench process with no job consumers (no enrichment beside it) ran at ${n0(withoutEnrichment.eventsPerSecond)} events/s, ${round(withoutEnrichment.cpuMsPerEvent.machine ?? Number.NaN, 2)} ms of machine CPU per event`,
    );
  return notes.join('; ');
}

/** Lag: a pipeline slower than the offered rate queues without bound; else its batches. */
export function lagBound(
  offered: number,
  drainRate: number,
  batchP99Ms: number,
  pollMs: number,
): string {
  if (drainRate < offered)
    return `the pipeline applies known visitors' events at ${n0(drainRate)} events/s (1 worker, drained above) against ${n0(offered)} offered: the backlog grows by about ${n0(offered - drainRate)} events a second, so the lag grows with the length of the run and is bounded by the pipeline's throughput (above), not by its latency`;
  return `the pipeline keeps up; an event waits for the next poll (every ${pollMs} ms) and for its batch (p99 ${n0(batchP99Ms)} ms)`;
}

/**
 * What a second worker process changed, on whole costs (each drain's CPU until the
 * enrichment it caused was done, where known: a slower drain leaves less of it behind).
 */
function secondWorker(two: DrainResult, one: DrainResult): string {
  const whole = (d: DrainResult) => d.cpuWithEnrichmentMsPerEvent ?? d.cpuMsPerEvent;
  const [a, b] = [whole(one), whole(two)];
  const change = (label: string, x: number | null, y: number | null) =>
    x === null || y === null ? null : `${label} ${round(x, 2)} → ${round(y, 2)}`;
  const parts = [
    change('machine', a.machine, b.machine),
    change('FerretDB', a.store, b.store),
    change('worker processes', a.workers, b.workers),
    change('PostgreSQL', a.postgresql, b.postgresql),
  ].filter((p) => p !== null);
  const whose =
    one.cpuWithEnrichmentMsPerEvent && two.cpuWithEnrichmentMsPerEvent
      ? ', enrichment included'
      : '';
  return (
    `a second worker process gave ${round(two.eventsPerSecond / one.eventsPerSecond, 2)}× the throughput; ` +
    `CPU ms per event, one worker → two${whose}: ${parts.join(', ')}. ` +
    `With ${cpus().length} CPUs already ${n0(100 * (one.cpuMsPerEvent.busyShare ?? Number.NaN))}% busy with one worker, a second adds processes, not cores`
  );
}
