import { cpus } from 'node:os';
import type { Lane } from '../../../src/ingest/lanes';
import { round } from '../../lib/latency';
import type { LoadResult } from '../../lib/load';
import type { ReportRow, ScenarioReport } from '../../lib/scenario';
import { formatTable } from '../../lib/table';
import type { PipelineSettings } from './appliers';
import type { LagSummary } from './bronzeProbe';
import { acceptanceBound, lagBound, noisyParts, pipelineBound } from './bounds';
import type { CpuPerEvent } from './cpu';
import type { BatchStats, DrainResult } from './drain';
import type { OpenLoopResult } from './senders';

const NAME = 'ingestion';

/** Issue #21's targets. */
export const TARGETS = {
  acceptanceEventsPerSecond: 5_000,
  acceptanceOfInsertMany: 0.5,
  pipelineColdEventsPerSecond: 1_500,
  pipelineKnownEventsPerSecond: 5_000,
  lagP99Ms: 1_000,
};

export interface CommandCount {
  perEvent: number;
  /** The most statements one `update` command carried. */
  largestUpdate: number;
  /** Per applied event, by `<command> <collection>`. */
  byKind: Map<string, number>;
}

export interface LagRun {
  size: number;
  /** Offered below the pipeline's measured rate: shown, not held to the target. */
  informative: boolean;
  /** How long the bench waited for the events to be applied after the last was sent. */
  drainSeconds: number;
  lane: Lane;
  rate: number;
  seconds: number;
  warmupEvents: number;
  sent: OpenLoopResult;
  lag: LagSummary;
  batches: BatchStats;
  problems: string[];
}

type Stream = 'cold' | 'known';
export interface Acceptance {
  gateway: LoadResult;
  baseline: LoadResult;
  /** CPU ms per event of each side, by process. */
  cpu: { gateway: CpuPerEvent; baseline: CpuPerEvent };
}
type Drains = Record<Stream, DrainResult>;

export interface IngestionResults {
  customers: number;
  events: Record<Stream, number>;
  batch: number;
  concurrency: number;
  settings: PipelineSettings;
  liveMaxEvents: number;
  /** Passes over each stream, through the gateway and as insertMany, in turn. */
  repeats: number;
  enrichmentWaitSeconds: number;
  acceptance: Record<Stream, Acceptance>;
  /** Landings of the other rounds (not measured as acceptance: no baseline beside them). */
  landings: { round: string; cold: LoadResult; known: LoadResult }[];
  pipeline: { one: Drains; two: Drains; counted: Drains };
  commands: Record<Stream, CommandCount>;
  lag: LagRun[];
  phases: { phase: string; seconds: number }[];
  totalSeconds: number;
  /** The machine's 1-minute load average when the run started and when it ended. */
  loadAverage: { start: number; end: number };
}

const eventsPerSecond = (load: LoadResult, events: number) => events / (load.elapsedMs / 1000);
const n0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
const verdict = (misses: string[]) =>
  misses.length === 0 ? 'met' : `MISSED (${misses.join(', ')})`;

export function reportIngestion(r: IngestionResults): ScenarioReport {
  const table: string[][] = [];
  const targets: Record<string, boolean> = {};
  /** One line per missed target: what bounds it. */
  const bounds: string[] = [];
  const json: Record<string, unknown> = {
    customers: r.customers,
    events: r.events,
    batchSize: r.batch,
    senders: r.concurrency,
    pipeline: { ...r.settings, liveMaxEvents: r.liveMaxEvents },
  };

  const acceptanceJson: Record<string, unknown> = {};
  for (const stream of ['cold', 'known'] as const) {
    const { gateway, baseline } = r.acceptance[stream];
    const rate = eventsPerSecond(gateway, r.repeats * r.events[stream]);
    const base = eventsPerSecond(baseline, r.repeats * r.events[stream]);
    const ratio = rate / base;
    const misses = [
      ...(rate >= TARGETS.acceptanceEventsPerSecond ? [] : ['events/s']),
      ...(ratio >= TARGETS.acceptanceOfInsertMany ? [] : ['ratio']),
    ];
    targets[`acceptance_${stream}`] = misses.length === 0;
    table.push([
      `acceptance at /v1/batch, ${stream} (events/s)`,
      n0(rate),
      `${n0(base)} (raw insertMany)`,
      round(ratio, 2).toFixed(2),
      `≥ ${n0(TARGETS.acceptanceEventsPerSecond)}, ratio ≥ ${TARGETS.acceptanceOfInsertMany}`,
      verdict(misses),
    ]);
    if (misses.length > 0)
      bounds.push(
        `${NAME}: MISSED acceptance, ${stream} (${misses.join(', ')}): ${acceptanceBound(base, r.acceptance[stream].cpu.gateway, TARGETS.acceptanceEventsPerSecond)}`,
      );
    acceptanceJson[stream] = {
      eventsPerSecond: round(rate, 0),
      insertManyEventsPerSecond: round(base, 0),
      ratio: round(ratio, 3),
      batchP50Ms: round(gateway.p50Ms),
      batchP99Ms: round(gateway.p99Ms),
      benchCpuMsPerBatch: round(gateway.cpuMsPerOp),
      cpuMsPerEvent: r.acceptance[stream].cpu,
    };
  }
  json.acceptance = acceptanceJson;
  json.landingsInOtherRounds = r.landings.map((l) => ({
    round: l.round,
    coldEventsPerSecond: round(eventsPerSecond(l.cold, r.events.cold), 0),
    knownEventsPerSecond: round(eventsPerSecond(l.known, r.events.known), 0),
  }));

  const pipelineJson: Record<string, unknown> = {};
  for (const stream of ['cold', 'known'] as const) {
    const target =
      stream === 'cold'
        ? TARGETS.pipelineColdEventsPerSecond
        : TARGETS.pipelineKnownEventsPerSecond;
    const one = r.pipeline.one[stream];
    const two = r.pipeline.two[stream];
    for (const [workers, d] of [
      [1, one],
      [2, two],
    ] as const) {
      const ok = d.eventsPerSecond >= target;
      targets[`pipeline_${stream}_${workers}w`] = ok;
      table.push([
        `pipeline, ${stream}, ${workers} worker process${workers > 1 ? 'es' : ''} (events/s)`,
        n0(d.eventsPerSecond),
        workers === 1 ? '—' : `${n0(one.eventsPerSecond)} (1 worker)`,
        workers === 1 ? '—' : round(d.eventsPerSecond / one.eventsPerSecond, 2).toFixed(2),
        `≥ ${n0(target)}`,
        verdict(ok ? [] : ['events/s']),
      ]);
      if (!ok)
        bounds.push(
          `${NAME}: MISSED pipeline, ${stream}, ${workers} worker${workers > 1 ? 's' : ''}: ${pipelineBound(
            d,
            target,
            workers === 1 ? null : one,
            r.batch > r.liveMaxEvents ? r.settings.bulkConcurrency : r.settings.concurrency,
            workers === 1 ? r.pipeline.counted[stream] : null,
          )}`,
        );
    }
    pipelineJson[stream] = {
      oneWorker: drainJson(one),
      twoWorkers: drainJson(two),
      inProcessCounting: drainJson(r.pipeline.counted[stream]),
    };
  }
  json.pipelineThroughput = pipelineJson;

  const lagJson: unknown[] = [];
  for (const l of r.lag) {
    // Events still waiting count with the time they had waited: then each figure is a floor.
    const floor = l.lag.complete ? '' : '≥ ';
    const ok = l.lag.p99Ms < TARGETS.lagP99Ms && l.lag.complete;
    if (!l.informative) targets[`lag_${l.rate}_per_s_batches_of_${l.size}`] = ok;
    table.push([
      `lag, event → profile-visible, known, 1 worker: ${n0(l.rate)} events/s offered in batches of ${l.size} (${l.lane} lane)${l.informative ? ', half the drain rate (informative)' : ''}`,
      `p99 ${floor}${n0(l.lag.p99Ms)} ms (p50 ${floor}${n0(l.lag.p50Ms)}, max ${floor}${n0(l.lag.maxMs)})`,
      '—',
      '—',
      l.informative ? '(none)' : `p99 < ${n0(TARGETS.lagP99Ms)} ms`,
      l.informative
        ? '—'
        : verdict([
            ...(l.lag.p99Ms < TARGETS.lagP99Ms ? [] : ['p99']),
            ...(l.lag.complete
              ? []
              : [`${l.lag.events - l.lag.applied} events not applied in time`]),
          ]),
    ]);
    if (!l.informative && !ok) {
      const below = r.lag.find((x) => x.informative);
      bounds.push(
        `${NAME}: MISSED lag at ${n0(l.rate)} events/s: ${lagBound(l.rate, r.pipeline.one.known.eventsPerSecond, l.batches.p99Ms, r.settings.pollMs)}` +
          (below
            ? `; at ${n0(below.rate)} events/s, ${below.lag.complete ? 'which it kept up with' : 'which it did not keep up with either'}, p99 was ${n0(below.lag.p99Ms)} ms (p50 ${n0(below.lag.p50Ms)}), its batches of ${below.batches.meanEvents} events p99 ${n0(below.batches.p99Ms)} ms beside the enrichment jobs the same worker runs`
            : ''),
      );
    }
    lagJson.push({
      informative: l.informative,
      batchSize: l.size,
      lane: l.lane,
      offeredEventsPerSecond: round(l.sent.offeredEventsPerSecond, 0),
      seconds: l.seconds,
      events: l.lag.events,
      applied: l.lag.applied,
      lowerBounds: !l.lag.complete,
      p50Ms: round(l.lag.p50Ms, 1),
      p99Ms: round(l.lag.p99Ms, 1),
      maxMs: round(l.lag.maxMs, 1),
      answerP50Ms: round(l.sent.load.p50Ms),
      answerP99Ms: round(l.sent.load.p99Ms),
      failedBatches: l.sent.load.errors,
      maxSendLatenessMs: round(l.sent.maxSendLatenessMs, 1),
      pipelineBatches: l.batches,
    });
  }
  json.lag = lagJson;

  for (const stream of ['cold', 'known'] as const)
    table.push([
      `profile-store commands per applied event, ${stream}`,
      round(r.commands[stream].perEvent, 2).toFixed(2),
      '—',
      '—',
      '(none)',
      '—',
    ]);
  json.storeCommandsPerEvent = Object.fromEntries(
    (['cold', 'known'] as const).map((s) => [
      s,
      {
        total: round(r.commands[s].perEvent, 3),
        largestUpdateCommand: r.commands[s].largestUpdate,
        byKind: Object.fromEntries(
          [...r.commands[s].byKind]
            .sort((a, b) => b[1] - a[1])
            .map(([kind, n]) => [kind, round(n, 3)]),
        ),
      },
    ]),
  );
  json.targets = { ...TARGETS, met: targets };
  json.phases = r.phases;
  json.loadAverage = r.loadAverage;
  json.totalSeconds = round(r.totalSeconds, 0);

  const notes = [
    formatTable(['measurement', 'value', 'baseline', 'ratio', 'target', 'result'], table),
    ...bounds,
    ...noisy(r),
    ...describe(r),
  ];
  const problems = problemsOf(r);
  notes.push(...problems.notes);
  return { rows: rows(r), notes, json, valid: problems.valid };
}

function drainJson(d: DrainResult) {
  return {
    workers: d.workers,
    events: d.events,
    seconds: round(d.seconds, 2),
    eventsPerSecond: round(d.eventsPerSecond, 0),
    setAside: d.setAside,
    gateToWorkMs: round(d.gateToWorkMs, 0),
    startSpreadMs: round(d.startSpreadMs, 0),
    batches: d.batches,
    cpuMsPerEvent: d.cpuMsPerEvent,
    cpuWithEnrichmentMsPerEvent: d.cpuWithEnrichmentMsPerEvent,
    stolenShare: d.stolenShare,
    enrichmentDrainedAfterSeconds:
      d.enrichmentDrainedAfterSeconds === null ? null : round(d.enrichmentDrainedAfterSeconds, 1),
    enrichmentLeft: d.enrichmentLeft,
  };
}

function noisy(r: IngestionResults): string[] {
  const parts: [string, CpuPerEvent][] = [];
  for (const stream of ['cold', 'known'] as const) {
    parts.push([`acceptance ${stream}`, r.acceptance[stream].cpu.gateway]);
    parts.push([`insertMany ${stream}`, r.acceptance[stream].cpu.baseline]);
    for (const [label, drains] of [
      ['1 worker', r.pipeline.one],
      ['2 workers', r.pipeline.two],
      ['in-process', r.pipeline.counted],
    ] as const)
      parts.push([`pipeline ${stream} ${label}`, drains[stream].cpuMsPerEvent]);
  }
  const line = noisyParts(parts);
  return line === null ? [] : [`${NAME}: ${line}`];
}

/** The notes under the table: what was run, and what bounds the figures. */
function describe(r: IngestionResults): string[] {
  const s = r.settings;
  const lane = r.batch > r.liveMaxEvents ? 'bulk' : 'live';
  const notes = [
    `${NAME}: ${r.customers} customers of the demo population: ${r.events.cold} cold events (its own history, identify and alias included, into an empty store) and ${r.events.known} known-visitor events (its track and page calls a day later); ${r.concurrency} senders of ${r.batch}-event /v1/batch calls; the run took ${n0(r.totalSeconds)} s`,
    `${NAME}: acceptance: a gateway in this process with no pipeline in it (MOSAIC_PIPELINE=worker) and none applying events meanwhile (before the first drain no worker runs; before the known stream the round's worker is idle behind the gate), its HTTP client in the same process; baseline: raw insertMany of the same calls into the profile store, keyed by messageId, same senders; ${r.repeats} passes each, in turn (later passes under other messageIds, deleted after), after a warm-up`,
    `${NAME}: pipeline: MOSAIC_PIPELINE_BATCH=${s.batch}, MOSAIC_PIPELINE_CONCURRENCY=${s.concurrency}, MOSAIC_PIPELINE_BULK_CONCURRENCY=${s.bulkConcurrency}, MOSAIC_PIPELINE_POLL_MS=${s.pollMs}, MOSAIC_PIPELINE_LEASE_MS=${s.leaseMs}; MOSAIC_INGEST_LIVE_MAX_EVENTS=${r.liveMaxEvents}, so the ${r.batch}-event calls are in the ${lane} lane. Workers are separate processes (node --import tsx src/workers/main.ts, configured by environment), each also consuming the job queues (enrichment) as \`npm run worker\` does. Each worker count has a store of its own (a cold drain starts empty); the same workers then apply the known stream, their caches warm, as long-running workers' are`,
    `${NAME}: the machine: ${cpus().length} CPUs shared by the gateway, the workers, FerretDB, PostgreSQL and Redis (and whatever else runs); 1-minute load average ${round(r.loadAverage.start, 1)} at the start, ${round(r.loadAverage.end, 1)} at the end`,
    `${NAME}: pipeline timing: the bench leases every partition to a starting gate while it lands a stream and while workers start (running workers drop theirs at their next renewal); the time runs from the first partition a worker takes after the gate opens until the last event's applied_at (PostgreSQL's clock). After each drain the bench waits for the enrichment jobs it caused (at most ${n0(r.enrichmentWaitSeconds)} s), so none spills into the next phase`,
  ];
  for (const [label, drains] of [
    ['1 worker', r.pipeline.one],
    ['2 workers', r.pipeline.two],
    ['in-process worker, counting commands, no job consumers', r.pipeline.counted],
  ] as const)
    for (const stream of ['cold', 'known'] as const) {
      const d = drains[stream];
      const cpu = d.cpuMsPerEvent;
      notes.push(
        `${NAME}: pipeline ${stream}, ${label}: ${d.events} events in ${round(d.seconds, 1)} s → ${n0(d.eventsPerSecond)} events/s; ` +
          `${d.batches.batches} batches of ${d.batches.meanEvents} events on average, p50 ${n0(d.batches.p50Ms)} ms, p99 ${n0(d.batches.p99Ms)} ms (${d.batches.msPerEvent} ms of batch time per event); ` +
          `CPU ms per event: machine ${cpu.machine ?? 'n/a'} = workers ${cpu.workers ?? '(in the bench process)'}, store ${cpu.store ?? 'n/a'}, PostgreSQL ${cpu.postgresql ?? 'n/a'}, Redis ${cpu.redis ?? 'n/a'}, bench process ${cpu.bench ?? 'n/a'}, other work on the machine ${cpu.other ?? 'n/a'}` +
          (cpu.busyShare === null ? '' : `; the machine ${n0(100 * cpu.busyShare)}% busy`) +
          (d.stolenShare === null ? '' : `; ${round(100 * d.stolenShare, 0)}% of CPU time stolen`) +
          `; start spread ${n0(d.startSpreadMs)} ms` +
          (d.setAside > 0 ? `; ${d.setAside} events set aside` : '') +
          (d.enrichmentDrainedAfterSeconds !== null
            ? `; enrichment done ${round(d.enrichmentDrainedAfterSeconds, 1)} s after the backlog` +
              (d.cpuWithEnrichmentMsPerEvent?.machine != null
                ? ` (with it, machine CPU ${d.cpuWithEnrichmentMsPerEvent.machine} ms per event: workers ${d.cpuWithEnrichmentMsPerEvent.workers ?? 'n/a'}, store ${d.cpuWithEnrichmentMsPerEvent.store ?? 'n/a'})`
                : '')
            : d.enrichmentLeft > 0
              ? `; ${d.enrichmentLeft} enrichment jobs still queued when the bench stopped waiting`
              : ''),
      );
    }
  for (const l of r.lag)
    notes.push(
      `${NAME}: lag, ${n0(l.rate)} events/s in batches of ${l.size}: ${l.lag.events} events measured over ${l.seconds} s at ${n0(l.sent.offeredEventsPerSecond)} events/s offered (open loop, after ${l.warmupEvents} warm-up events at the same rate), ${l.lag.applied} applied${l.lag.complete ? '' : ` by ${l.drainSeconds} s after the last was sent (the rest counted with the time they had waited: the figures are floors)`}; /v1/batch answered in p50 ${round(l.sent.load.p50Ms, 1)} ms, p99 ${round(l.sent.load.p99Ms, 1)} ms; the sender was at most ${n0(l.sent.maxSendLatenessMs)} ms late; ${l.batches.batches} pipeline batches of ${l.batches.meanEvents} events on average, p50 ${n0(l.batches.p50Ms)} ms, p99 ${n0(l.batches.p99Ms)} ms; the gateway does not wake the worker (another process): it finds new events by polling every ${s.pollMs} ms`,
    );
  for (const stream of ['cold', 'known'] as const) {
    const c = r.commands[stream];
    const top = [...c.byKind]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([kind, n]) => `${kind} ${round(n, 3)}`)
      .join(', ');
    notes.push(
      `${NAME}: profile-store commands per applied event, ${stream}: ${round(c.perEvent, 2)} (${top || 'none'}); the largest update command carried ${c.largestUpdate} statements`,
    );
  }
  notes.push(`${NAME}: phases: ${r.phases.map((p) => `${p.phase} ${p.seconds} s`).join('; ')}`);
  return notes;
}

function problemsOf(r: IngestionResults): { notes: string[]; valid: boolean } {
  const notes: string[] = [];
  const loads: [string, LoadResult][] = [
    ['acceptance cold', r.acceptance.cold.gateway],
    ['insertMany cold', r.acceptance.cold.baseline],
    ['acceptance known', r.acceptance.known.gateway],
    ['insertMany known', r.acceptance.known.baseline],
    ...r.landings.flatMap(
      (l) =>
        [
          [`landing cold (${l.round})`, l.cold],
          [`landing known (${l.round})`, l.known],
        ] as [string, LoadResult][],
    ),
    ...r.lag.map((l) => [`lag sender, batches of ${l.size}`, l.sent.load] as [string, LoadResult]),
  ];
  for (const [what, load] of loads)
    if (load.errors > 0)
      notes.push(`${NAME}: ${what}: ${load.errors} batches failed; first: ${load.firstError}`);
  const drains = (['one', 'two', 'counted'] as const).flatMap((k) =>
    (['cold', 'known'] as const).map((s) => [`${k} ${s}`, r.pipeline[k][s]] as const),
  );
  let incomplete = false;
  for (const [what, d] of drains) {
    const expected = what.endsWith('cold') ? r.events.cold : r.events.known;
    if (d.events !== expected) {
      incomplete = true;
      notes.push(`${NAME}: pipeline ${what}: ${d.events} events applied, ${expected} expected`);
    }
    for (const p of d.problems.slice(0, 5)) notes.push(`${NAME}: pipeline ${what}: ${p}`);
  }
  for (const l of r.lag) for (const p of l.problems.slice(0, 5)) notes.push(`${NAME}: lag: ${p}`);
  // A lag run whose events were not all applied in time is a missed target, not a broken run.
  const failed = loads.some(([, l]) => l.errors > 0);
  return { notes, valid: !failed && !incomplete };
}

function rows(r: IngestionResults): ReportRow[] {
  const out: ReportRow[] = [];
  for (const stream of ['cold', 'known'] as const) {
    const scenario = `${NAME} (${stream}, batches of ${r.batch})`;
    out.push(
      { scenario, side: 'gateway /v1/batch, no pipeline', result: r.acceptance[stream].gateway },
      { scenario, side: 'raw insertMany', result: r.acceptance[stream].baseline },
    );
    for (const l of r.landings)
      out.push({ scenario, side: `gateway /v1/batch (round ${l.round})`, result: l[stream] });
  }
  for (const l of r.lag)
    out.push({
      scenario: `${NAME} (lag, batches of ${l.size}, open loop)`,
      side: 'gateway /v1/batch, 1 worker',
      result: l.sent.load,
    });
  return out;
}
