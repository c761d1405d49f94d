import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { generatePopulation } from '../../scripts/demo/population';
import { laneForSize } from '../../src/ingest/lanes';
import { intFromEnv } from '../lib/env';
import { combine, type LoadRun } from '../lib/load';
import { serviceRoots, type Service } from '../lib/machineCpu';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';
import {
  openCountedWorker,
  startWorkerProcesses,
  type Applier,
  type CountedApplier,
  type PipelineSettings,
} from './ingestion/appliers';
import { addCpu, cpuPerEvent, NO_CPU, startCpu } from './ingestion/cpu';
import { batchStats, GatedPipeline, type DrainResult } from './ingestion/drain';
import {
  reportIngestion,
  type Acceptance,
  type CommandCount,
  type LagRun,
} from './ingestion/report';
import { openRound, type Round } from './ingestion/round';
import { sendOnSchedule } from './ingestion/senders';
import { batchesOf, moreVisits, returningVisits, type Call } from './ingestion/streams';

const NAME = 'ingestion';
/** Events per `/v1/batch` call, as a server-side SDK or a forwarding proxy sends them. */
const BATCH = 100;

/**
 * Issue #21's ingestion benchmark, bronze first: `/v1/batch` lands events in PostgreSQL
 * and answers; the resolution pipeline applies them to profiles behind it. One run
 * measures, on the demo population's Segment calls (cold: its own history into an empty
 * store; known: the same people's track and page calls a day later):
 * 1. acceptance at `/v1/batch` (nothing applying events meanwhile), against a raw
 *    `insertMany` of the same events into the profile store, 16 senders of 100-event batches;
 * 2. pipeline throughput draining a full backlog, with one worker process and with two;
 * 3. accepted → applied (profile-visible) lag at a steady offered rate, open loop;
 * 4. profile-store commands per applied event, from a pipeline that counts them.
 * A cold drain needs an empty store, so the run has three rounds, each with a database
 * and PostgreSQL schema of its own: `1w` (acceptance, one worker, lag), `2w` (two
 * workers), `cmd` (an in-process pipeline counting its commands).
 *
 * Environment: BENCH_INGEST_CUSTOMERS (800), BENCH_INGEST_CONCURRENCY (BENCH_CONCURRENCY),
 * BENCH_INGEST_ACCEPT_REPEATS (3), BENCH_INGEST_PIPELINE_{BATCH, CONCURRENCY,
 * BULK_CONCURRENCY, POLL_MS, LEASE_MS} (each the product's default, MOSAIC_PIPELINE_*),
 * BENCH_INGEST_LAG_{RATE (1000), SECONDS (15), WARMUP_SECONDS, BATCHES (10), DRAIN_SECONDS
 * (30), LOW_RATE (half the known drain rate; 0: none)}, BENCH_INGEST_ENRICHMENT_WAIT_SECONDS
 * (120), BENCH_INGEST_WORKER_LOG (a folder for the worker processes' logs),
 * BENCH_KEEP_DATABASE=1 (keep the rounds' stores).
 */
export const ingestion: Scenario = { name: NAME, run };

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const began = Date.now();
  const loadAtStart = loadavg()[0]!;
  // About 6 minutes on this 2-CPU machine (quiet): the cold drains take most of it.
  const customers = intFromEnv('BENCH_INGEST_CUSTOMERS', 800);
  const concurrency = intFromEnv('BENCH_INGEST_CONCURRENCY', ctx.concurrency);
  const repeats = intFromEnv('BENCH_INGEST_ACCEPT_REPEATS', 3);
  // The product's defaults (src/config), each overridable for an experiment.
  const defaults = ctx.config.pipeline;
  const settings: PipelineSettings = {
    batch: intFromEnv('BENCH_INGEST_PIPELINE_BATCH', defaults.batchSize),
    concurrency: intFromEnv('BENCH_INGEST_PIPELINE_CONCURRENCY', defaults.concurrency),
    bulkConcurrency: intFromEnv('BENCH_INGEST_PIPELINE_BULK_CONCURRENCY', defaults.bulkConcurrency),
    pollMs: intFromEnv('BENCH_INGEST_PIPELINE_POLL_MS', defaults.pollMs),
    leaseMs: intFromEnv('BENCH_INGEST_PIPELINE_LEASE_MS', defaults.leaseMs, 1_000),
  };
  const lagPlan = {
    rate: intFromEnv('BENCH_INGEST_LAG_RATE', 1_000),
    seconds: intFromEnv('BENCH_INGEST_LAG_SECONDS', 15),
    warmupSeconds: intFromEnv('BENCH_INGEST_LAG_WARMUP_SECONDS', ctx.warmupSeconds, 0),
    // A visitor's browser flushes a few events at a time: the live lane.
    batches: batchSizesFromEnv('BENCH_INGEST_LAG_BATCHES', [10]),
    drainSeconds: intFromEnv('BENCH_INGEST_LAG_DRAIN_SECONDS', 30, 0),
  };
  const enrichmentWaitMs = intFromEnv('BENCH_INGEST_ENRICHMENT_WAIT_SECONDS', 120, 0) * 1000;
  const keep = process.env.BENCH_KEEP_DATABASE === '1';

  const tag = randomBytes(4).toString('hex');
  const cold = generatePopulation({ customers, seed: 7 }).segmentCalls;
  const known = returningVisits(cold, `return-${tag}`);
  ctx.progress(
    `${NAME}: ${cold.length} cold and ${known.length} known-visitor events (${customers} customers), ${concurrency} senders of ${BATCH}; pipeline batch ${settings.batch}, ${settings.concurrency} live + ${settings.bulkConcurrency} bulk loops per worker`,
  );
  const phases: { phase: string; seconds: number }[] = [];
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    ctx.progress(`${NAME}: ${phase}`);
    const t0 = Date.now();
    const result = await work();
    phases.push({ phase, seconds: Math.round((Date.now() - t0) / 100) / 10 });
    return result;
  };
  const open = (label: string) =>
    openRound(ctx.config, {
      tag,
      label,
      writeKey: `bench-write-key-${tag}`,
      // The acceptance repeats sit in the backlog until measured, then go.
      maxBacklog: Math.max(
        ctx.config.ingest.maxBacklog,
        repeats * Math.max(cold.length, known.length) + lagPlan.rate * 60,
      ),
    });
  const services = {
    store: ctx.config.mongo.uri,
    postgresql: ctx.config.postgres.url,
    redis: ctx.config.redis.url,
  };
  const pipeline = (round: Round, start: () => Promise<Applier[]>, enrichment = true) =>
    new GatedPipeline({
      probe: round.probe,
      services,
      start,
      leaseMs: settings.leaseMs,
      enrichment: enrichment ? round.enrichment : null,
      enrichmentWaitMs,
      progress: (message) => ctx.progress(message),
    });
  const processes = (round: Round, n: number) => () =>
    startWorkerProcesses(n, {
      mongoUri: round.mongoUri,
      schema: round.schema,
      settings,
      label: `bench-${round.label}`,
    });
  const land = (round: Round, calls: Call[]) => round.accept(batchesOf(calls, BATCH), concurrency);

  // Round 1: acceptance and its baseline, one worker, then the lag.
  const one = await open('1w');
  const single = pipeline(one, processes(one, 1));
  let acceptance: Record<'cold' | 'known', Acceptance>;
  let pipelineOne: Record<'cold' | 'known', DrainResult>;
  const lag: LagRun[] = [];
  try {
    await timed('warm-up: /v1/batch and insertMany (not measured)', async () => {
      // Connections, JIT and the statements' plans warm, on events left out afterwards.
      const warm = moreVisits(cold, `warm-${tag}`, 2 * concurrency * BATCH, 1);
      await measureAcceptance(one, warm, { repeats: 1, concurrency, tag, services });
      await one.probe.forget(`warm-${tag}-`);
    });
    const coldAccepted = await timed(`cold: acceptance ×${repeats}, and raw insertMany`, () =>
      measureAcceptance(one, cold, { repeats, concurrency, tag, services }),
    );
    const coldApplied = await timed('cold: draining the backlog, 1 worker process', () =>
      single.drain(),
    );
    await single.hold();
    const knownAccepted = await timed(`known: acceptance ×${repeats}, and raw insertMany`, () =>
      measureAcceptance(one, known, { repeats, concurrency, tag, services }),
    );
    const knownApplied = await timed('known: draining the backlog, 1 worker process', () =>
      single.drain(),
    );
    acceptance = { cold: coldAccepted, known: knownAccepted };
    pipelineOne = { cold: coldApplied, known: knownApplied };
    // First at a rate the worker keeps up with (what the design itself costs: polling,
    // one batch), then at the target's rate; each run's leftovers are dropped after it.
    const lowRate =
      process.env.BENCH_INGEST_LAG_LOW_RATE !== undefined
        ? intFromEnv('BENCH_INGEST_LAG_LOW_RATE', 0, 0)
        : Math.max(10, Math.floor(knownApplied.eventsPerSecond / 20) * 10);
    const lagRuns = [
      ...(lowRate > 0 ? [{ rate: lowRate, size: lagPlan.batches[0]!, informative: true }] : []),
      ...lagPlan.batches.map((size) => ({ rate: lagPlan.rate, size, informative: false })),
    ];
    for (const [i, l] of lagRuns.entries()) {
      lag.push(
        await timed(
          `lag: ${l.rate} events/s offered in batches of ${l.size}, 1 worker process`,
          () =>
            measureLag(one, single.running(), cold, {
              ...lagPlan,
              ...l,
              prefix: `lag${i}-${tag}`,
              days: 2 + i,
              liveMaxEvents: one.config.ingest.liveMaxEvents,
            }),
        ),
      );
      await one.probe.discardWaiting();
    }
  } finally {
    await single.stop();
    await one.close(keep);
  }

  // Round 2: the same drains with two worker processes.
  const two = await open('2w');
  const pair = pipeline(two, processes(two, 2));
  let pipelineTwo: Record<'cold' | 'known', DrainResult>;
  const landings: { round: string; cold: LoadRun; known: LoadRun }[] = [];
  try {
    const coldLanded = await timed('round 2w: landing cold', () => land(two, cold));
    const coldApplied = await timed('cold: draining the backlog, 2 worker processes', () =>
      pair.drain(),
    );
    await pair.hold();
    const knownLanded = await timed('round 2w: landing known', () => land(two, known));
    const knownApplied = await timed('known: draining the backlog, 2 worker processes', () =>
      pair.drain(),
    );
    pipelineTwo = { cold: coldApplied, known: knownApplied };
    landings.push({ round: '2w', cold: coldLanded, known: knownLanded });
  } finally {
    await pair.stop();
    await two.close(keep);
  }

  // Round 3: one pipeline in this process, counting its store commands.
  const cmd = await open('cmd');
  const worker: { applier?: CountedApplier } = {};
  const counting = pipeline(
    cmd,
    async () => {
      worker.applier = await openCountedWorker(cmd.config, cmd.database, settings);
      return [worker.applier];
    },
    false,
  );
  let counted: Record<'cold' | 'known', DrainResult>;
  let commands: Record<'cold' | 'known', CommandCount>;
  try {
    const coldLanded = await timed('round cmd: landing cold', () => land(cmd, cold));
    const coldRun = await timed('cold: draining the backlog, in-process worker counting', () =>
      countedDrain(counting, worker),
    );
    await counting.hold();
    const knownLanded = await timed('round cmd: landing known', () => land(cmd, known));
    const knownRun = await timed('known: draining the backlog, in-process worker counting', () =>
      countedDrain(counting, worker),
    );
    counted = { cold: coldRun.drained, known: knownRun.drained };
    commands = { cold: coldRun.commands, known: knownRun.commands };
    landings.push({ round: 'cmd', cold: coldLanded, known: knownLanded });
  } finally {
    await counting.stop();
    await cmd.close(keep);
  }
  if (keep)
    ctx.progress(
      `${NAME}: kept databases mosaic_bench_ingest_${tag}_{1w,2w,cmd} and schemas bench_ingest_${tag}_{1w,2w,cmd}`,
    );

  return reportIngestion({
    customers,
    events: { cold: cold.length, known: known.length },
    batch: BATCH,
    concurrency,
    repeats,
    enrichmentWaitSeconds: enrichmentWaitMs / 1000,
    settings,
    liveMaxEvents: ctx.config.ingest.liveMaxEvents,
    acceptance,
    landings: landings.map((l) => ({ ...l, cold: combine([l.cold]), known: combine([l.known]) })),
    pipeline: { one: pipelineOne, two: pipelineTwo, counted },
    commands,
    lag,
    phases,
    totalSeconds: (Date.now() - began) / 1000,
    loadAverage: { start: loadAtStart, end: loadavg()[0]! },
  });
}

/**
 * The stream through `/v1/batch`, then as a raw `insertMany`, `repeats` times in turn
 * (the two sides see the machine of the same minutes). The first pass lands the stream
 * itself; later passes land copies under other messageIds, deleted from bronze after.
 */
async function measureAcceptance(
  round: Round,
  calls: readonly Call[],
  run: { repeats: number; concurrency: number; tag: string; services: Record<Service, string> },
): Promise<Acceptance> {
  const gateway: LoadRun[] = [];
  const baseline: LoadRun[] = [];
  const cpu = { gateway: NO_CPU, baseline: NO_CPU };
  const services = serviceRoots(run.services);
  for (let rep = 0; rep < run.repeats; rep++) {
    const prefix = `rep${rep}-${run.tag}-`;
    const batches = batchesOf(
      rep === 0
        ? calls
        : calls.map((c) => ({ ...c, messageId: `${prefix}${String(c.messageId)}` })),
      BATCH,
    );
    let spent = startCpu(services, []);
    gateway.push(await round.accept(batches, run.concurrency));
    cpu.gateway = addCpu(cpu.gateway, spent());
    spent = startCpu(services, []);
    baseline.push(await round.insertMany(batches, run.concurrency));
    cpu.baseline = addCpu(cpu.baseline, spent());
    if (rep > 0) await round.probe.forget(prefix);
  }
  const events = run.repeats * calls.length;
  return {
    gateway: combine(gateway),
    baseline: combine(baseline),
    cpu: {
      gateway: cpuPerEvent(cpu.gateway, events).cpuMsPerEvent,
      baseline: cpuPerEvent(cpu.baseline, events).cpuMsPerEvent,
    },
  };
}

/**
 * A drain by the pipeline in this process, counting the profile-store commands it sends
 * between the gate opening and the backlog emptying (it consumes no job queues, so they
 * are the pipeline's alone).
 */
async function countedDrain(
  counting: GatedPipeline,
  worker: { applier?: CountedApplier },
): Promise<{ drained: DrainResult; commands: CommandCount }> {
  let before = new Map<string, number>();
  let after = new Map<string, number>();
  const drained = await counting.drain({
    onOpen: () => {
      before = new Map(worker.applier!.storeCommandsByKind());
      worker.applier!.resetLargestUpdate();
    },
    onDrained: () => (after = new Map(worker.applier!.storeCommandsByKind())),
  });
  const byKind = new Map<string, number>();
  for (const [kind, n] of after) {
    const sent = n - (before.get(kind) ?? 0);
    if (sent > 0) byKind.set(kind, sent / drained.events);
  }
  const perEvent = [...byKind.values()].reduce((a, b) => a + b, 0);
  return {
    drained,
    commands: { perEvent, byKind, largestUpdate: worker.applier!.largestUpdate() },
  };
}

/**
 * Accepted → applied at a steady rate: batches of `size` sent on a schedule (open loop)
 * to the gateway while the round's one worker runs, after a warm-up at the same rate
 * whose events are left out; the lag of each measured event is `applied_at -
 * accepted_at` in bronze.
 */
async function measureLag(
  round: Round,
  appliers: readonly Applier[],
  cold: readonly Call[],
  plan: {
    rate: number;
    seconds: number;
    warmupSeconds: number;
    size: number;
    /** Below the pipeline's rate on purpose: shown, not held to the target. */
    informative: boolean;
    prefix: string;
    days: number;
    liveMaxEvents: number;
    drainSeconds: number;
  },
): Promise<LagRun> {
  const warm = plan.rate * plan.warmupSeconds;
  const all = moreVisits(cold, plan.prefix, warm + plan.rate * plan.seconds, plan.days);
  const calls = all.map((c, i) => (i < warm ? { ...c, messageId: `w${String(c.messageId)}` } : c));
  const deadline = Date.now() + 60_000;
  while ((await round.probe.held()).partitions < 32) {
    if (Date.now() > deadline) throw new Error('the lag worker held no partitions in 60 s');
    await delay(50);
  }
  const batchesBefore = appliers.map((a) => a.batches.length);
  const problemsBefore = appliers.map((a) => a.problems.length);
  const sent = await sendOnSchedule(
    batchesOf(calls, plan.size),
    (plan.size / plan.rate) * 1000,
    round.send,
  );
  // What is still waiting after this long counts with the time it has waited (a lower
  // bound): a pipeline slower than the offered rate would otherwise take minutes here.
  const drainDeadline = Date.now() + plan.drainSeconds * 1000;
  while ((await round.probe.waiting()) > 0 && Date.now() < drainDeadline) await delay(100);
  const lag = await round.probe.lag(`${plan.prefix}-`);
  return {
    size: plan.size,
    informative: plan.informative,
    drainSeconds: plan.drainSeconds,
    lane: laneForSize(plan.size, plan.liveMaxEvents),
    rate: plan.rate,
    seconds: plan.seconds,
    warmupEvents: warm,
    sent,
    lag,
    batches: batchStats(appliers.flatMap((a, i) => a.batches.slice(batchesBefore[i]))),
    problems: appliers.flatMap((a, i) =>
      a.problems.slice(problemsBefore[i]).map((p) => `${a.label}: ${p}`),
    ),
  };
}

function batchSizesFromEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const sizes = raw.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 500))
    throw new Error(`${name} must be whole numbers 1-500, comma-separated, got "${raw}"`);
  return sizes;
}
