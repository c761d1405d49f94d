import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { round } from '../../lib/latency';
import {
  cpuByProcess,
  cpuOfProcess,
  machineBusyMs,
  machineStolenMs,
  type ServiceRoots,
} from '../../lib/machineCpu';

/** CPU time (ms) spent in one timed part, by process; null where it could not be read. */
export interface CpuSpent {
  /** Wall time of the part. */
  wallMs: number;
  /** Every process on the machine. */
  machine: number | null;
  /** Given to other guests while this machine wanted it (steal). */
  stolen: number | null;
  /** The worker processes (none when the pipeline runs in this process). */
  workers: number | null;
  store: number | null;
  postgresql: number | null;
  redis: number | null;
  /** This process: the gateway, its HTTP senders, the probe, an in-process pipeline. */
  bench: number | null;
}

export interface CpuPerEvent {
  /** Of every CPU's time in the part, the share the machine was busy. */
  busyShare: number | null;
  machine: number | null;
  /** What none of the processes below spent: other work on the machine (someone else's). */
  other: number | null;
  workers: number | null;
  store: number | null;
  postgresql: number | null;
  redis: number | null;
  bench: number | null;
}

const PARTS = ['workers', 'store', 'postgresql', 'redis', 'bench'] as const;

/**
 * Starts counting CPU: returns what was spent by the time the returned function is
 * called. `services` are the processes serving the bench's servers (`serviceRoots`,
 * found beforehand: finding them reads every process's open files); one restarted
 * meanwhile reads as unknown, not as a wrong figure.
 */
export function startCpu(services: ServiceRoots, workerPids: readonly number[]): () => CpuSpent {
  const sample = () => {
    const byProcess = cpuByProcess(services);
    const workers = workerPids.map(cpuOfProcess);
    return {
      machine: machineBusyMs(),
      stolen: machineStolenMs(),
      workers:
        workers.length === 0 || workers.some((c) => c === null)
          ? null
          : workers.reduce((a, b) => a! + b!, 0),
      store: byProcess.store ?? null,
      postgresql: byProcess.postgresql ?? null,
      redis: byProcess.redis ?? null,
      bench: byProcess.gateway ?? null,
    };
  };
  const before = sample();
  const began = performance.now();
  return () => {
    const after = sample();
    const wallMs = performance.now() - began;
    const spent = (key: Exclude<keyof CpuSpent, 'wallMs'>) => {
      const a = before[key];
      const b = after[key];
      // A service whose process tree shrank (restarted) is unknown for this part.
      return a === null || b === null || b < a ? null : b - a;
    };
    return {
      wallMs,
      machine: spent('machine'),
      stolen: spent('stolen'),
      workers: spent('workers'),
      store: spent('store'),
      postgresql: spent('postgresql'),
      redis: spent('redis'),
      bench: spent('bench'),
    };
  };
}

/** Two parts' CPU together (the passes of one side of a comparison). */
export function addCpu(a: CpuSpent, b: CpuSpent): CpuSpent {
  const sum = (x: number | null, y: number | null) => (x === null || y === null ? null : x + y);
  return {
    wallMs: a.wallMs + b.wallMs,
    machine: sum(a.machine, b.machine),
    stolen: sum(a.stolen, b.stolen),
    workers: sum(a.workers, b.workers),
    store: sum(a.store, b.store),
    postgresql: sum(a.postgresql, b.postgresql),
    redis: sum(a.redis, b.redis),
    bench: sum(a.bench, b.bench),
  };
}

export const NO_CPU: CpuSpent = {
  wallMs: 0,
  machine: 0,
  stolen: 0,
  workers: 0,
  store: 0,
  postgresql: 0,
  redis: 0,
  bench: 0,
};

export function cpuPerEvent(
  spent: CpuSpent,
  events: number,
): { cpuMsPerEvent: CpuPerEvent; stolenShare: number | null } {
  const per = (ms: number | null) => (ms === null || events === 0 ? null : round(ms / events, 3));
  const parts = Object.fromEntries(PARTS.map((p) => [p, per(spent[p])])) as Record<
    (typeof PARTS)[number],
    number | null
  >;
  const machine = per(spent.machine);
  const known = PARTS.reduce((a, p) => a + (parts[p] ?? 0), 0);
  const { machine: busy, stolen } = spent;
  return {
    cpuMsPerEvent: {
      busyShare:
        busy === null || spent.wallMs === 0
          ? null
          : round(busy / (spent.wallMs * cpus().length), 3),
      machine,
      other: machine === null ? null : round(Math.max(0, machine - known), 3),
      ...parts,
    },
    stolenShare:
      busy === null || stolen === null || busy + stolen === 0
        ? null
        : round(stolen / (busy + stolen), 3),
  };
}
