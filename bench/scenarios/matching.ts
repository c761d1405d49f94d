import type { KnownState } from '../../src/identity/identityGraph';
import { performance } from 'node:perf_hooks';
import { ulid } from 'ulid';
import type { Config } from '../../src/config/env';
import { createLogger } from '../../src/observability/logger';
import { blockingKeys } from '../../src/matching/blockingKeys';
import { matchValuesFromTraits } from '../../src/matching/matchFields';
import { MatchingService } from '../../src/matching/matchingService';
import type { MatchResult } from '../../src/matching/matcher';
import { openScratchStack, type ScratchStack } from '../../src/scratchStack';
import { createPostgresPool, type Pool } from '../../src/store/postgres/connection';
import { openMatchingStores } from '../../src/store/postgres/matchingStores';
import { packValues } from '../../src/store/postgres/packedMatchValues';
import { intFromEnv } from '../lib/env';
import { profiled } from '../lib/cpuProfile';
import { cpuByProcess, machineBusyMs, machineStolenMs } from '../lib/machineCpu';
import { percentile, round, summarise } from '../lib/latency';
import { PeopleGenerator, seededRng, type Person } from '../lib/people';
import type { BenchContext, Scenario, ScenarioReport } from '../lib/scenario';

const NAME = 'matching';
const TARGET_RPS = 500;
const SEED_CHUNK = 5_000;
const WARMUP_RECORDS = 300;

/**
 * Incremental probabilistic matching with N profiles already in the store (10k and 100k
 * by default, BENCH_MATCH_SIZES). The store is seeded with N synthetic people (CRM
 * contacts through the real path, their match index written in bulk; BENCH_MATCH_SEED=index
 * for the index alone, see `seed`) and a model trained on them; then M new contacts arrive
 * (BENCH_MATCH_RECORDS, 4,000), twice: all new people (matching alone: blocking look-up,
 * scoring, the decision), and with a share of them (BENCH_MATCH_DUPLICATES, 0.1)
 * re-typed copies of stored people, each of which is merged on arrival. Arrivals are
 * resolved deterministically first, untimed; what is timed is matching each, with
 * BENCH_MATCH_CONCURRENCY (8) in flight, in BENCH_MATCH_ROUNDS (8) rounds that alternate
 * between the sizes. Flat cost per record means the same records/s at both sizes: the
 * ratio largest/smallest is the figure to quote, with the spread of the per-round ratios
 * (each round times both sizes back to back) saying how far this machine's drift lets it
 * be trusted. Arrivals stay in their store, so the smallest one grows by them (10,000 →
 * 18,300 by the end at the defaults): more records would compare a larger store than
 * named. Accuracy on the duplicates is printed alongside.
 */
export const matching: Scenario = { name: NAME, run };

interface MixResult {
  size: number;
  mix: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  merged: number;
  /** Busy CPU of the whole machine (gateway, PostgreSQL, the store) per record matched. */
  machineCpuMsPerRecord: number;
  /** Share of the machine's CPU time taken by other guests meanwhile (steal): how noisy it was. */
  stolenShare: number;
  /** The same, split by process: where a record's cost goes. */
  cpuMsPerRecordByProcess: Record<string, number>;
  /** Commands sent to the store (MongoDB API) per record matched. */
  storeCommandsPerRecord: number;
  /** Stored records scored per arrival, on average: what blocking lets through. */
  candidatesPerRecord: number;
  duplicates: number;
  duplicatesFound: number;
  wrongMerges: number;
  /** Records/s of each round, in order: the paired ratios' inputs. */
  rounds: { recordsPerSecond: number }[];
}

/** Where the seeded people go: the profile store and the match index, or the index alone. */
type SeedMode = 'store' | 'index';

interface SizeResult {
  size: number;
  seedSeconds: number;
  trainSeconds: number;
  mixes: MixResult[];
}

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const sizes = (process.env.BENCH_MATCH_SIZES ?? '10000,100000')
    .split(',')
    .map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 100))
    throw new Error(
      `BENCH_MATCH_SIZES must be whole numbers ≥ 100, got "${process.env.BENCH_MATCH_SIZES}"`,
    );
  const records = intFromEnv('BENCH_MATCH_RECORDS', 4000);
  // Matching is CPU-bound on both sides (scoring here, the index in PostgreSQL): past a few
  // records in flight, more only queue.
  const concurrency = intFromEnv('BENCH_MATCH_CONCURRENCY', 8);
  const seedSetting = process.env.BENCH_MATCH_SEED ?? 'store';
  if (seedSetting !== 'store' && seedSetting !== 'index')
    throw new Error(`BENCH_MATCH_SEED must be "store" or "index", got "${seedSetting}"`);
  const seedMode: SeedMode = seedSetting;
  const duplicateShare = Number(process.env.BENCH_MATCH_DUPLICATES ?? 0.1);
  if (!(duplicateShare > 0 && duplicateShare <= 1))
    throw new Error(
      `BENCH_MATCH_DUPLICATES must be a share in (0, 1], got "${process.env.BENCH_MATCH_DUPLICATES}"`,
    );
  const rounds = intFromEnv('BENCH_MATCH_ROUNDS', 8);
  const results = await measure(ctx, {
    sizes,
    count: records,
    rounds,
    duplicateShare,
    concurrency,
    seedMode,
  });

  const mixes = results.flatMap((r) => r.mixes);
  const notes = results.flatMap((r) => [
    `${NAME}: ${r.size} people seeded (${seedMode === 'store' ? 'profile store and match index' : 'match index only'}) in ${round(r.seedSeconds, 1)} s, model trained in ${round(r.trainSeconds, 1)} s`,
    ...r.mixes.map(
      (m) =>
        `${NAME}: ${m.size} stored, ${m.mix} → ${round(m.recordsPerSecond, 0)} records/s (p50 ${round(m.p50Ms)} ms, p99 ${round(m.p99Ms)} ms, ` +
        `${round(m.candidatesPerRecord, 1)} candidates scored and ${round(m.storeCommandsPerRecord, 1)} store commands per record, ${round(m.machineCpuMsPerRecord)} ms of machine CPU per record: ${Object.entries(
          m.cpuMsPerRecordByProcess,
        )
          .map(([p, ms]) => `${p} ${ms}`)
          .join(
            ', ',
          )}; ${round(100 * m.stolenShare, 0)}% of CPU time stolen by other guests); ${m.duplicatesFound}/${m.duplicates} duplicates merged into the right profile, ${m.wrongMerges} wrong merges`,
    ),
  ]);
  const flatness: Record<string, number> = {};
  const cpuFlatness: Record<string, number> = {};
  const pairedFlatness: Record<string, Spread> = {};
  for (const mix of new Set(mixes.map((m) => m.mix))) {
    const of = mixes.filter((m) => m.mix === mix);
    const [first, last] = [of[0]!, of.at(-1)!];
    flatness[mix] = round(last.recordsPerSecond / first.recordsPerSecond, 3);
    cpuFlatness[mix] = round(first.machineCpuMsPerRecord / last.machineCpuMsPerRecord, 3);
    // Each round timed both sizes back to back: its ratio holds the machine's speed of
    // that minute on both sides, so the spread of these says how far the overall ratio
    // can be trusted.
    const paired = spread(
      first.rounds.map((r, i) => last.rounds[i]!.recordsPerSecond / r.recordsPerSecond),
    );
    pairedFlatness[mix] = paired;
    notes.push(
      `${NAME}: ${mix}: throughput at ${last.size} vs ${first.size} stored: ratio ${round(flatness[mix], 2)} (1.0 = flat); ` +
        `per round, timed back to back: median ${round(paired.median, 2)}, range ${round(paired.min, 2)}–${round(paired.max, 2)} over ${first.rounds.length} rounds; ` +
        `machine CPU per record at ${first.size} over that at ${last.size}: ${round(cpuFlatness[mix], 2)}; ` +
        `≥ ${TARGET_RPS} records/s at ${last.size}: ${last.recordsPerSecond >= TARGET_RPS ? 'met' : 'NOT met'}`,
    );
  }
  return {
    rows: mixes.map((m) => ({
      scenario: `${NAME} (${m.size} stored)`,
      side: m.mix,
      result: {
        ...summarise([], 0, 0),
        requests: m.records,
        rps: m.recordsPerSecond,
        p50Ms: m.p50Ms,
        p99Ms: m.p99Ms,
        maxMs: Number.NaN,
        elapsedMs: m.seconds * 1000,
        cpuMsPerOp: m.machineCpuMsPerRecord,
        firstError: null,
      },
    })),
    notes,
    json: {
      seed: seedMode,
      sizes: results,
      flatness,
      pairedFlatness,
      cpuFlatness,
      targetRecordsPerSecond: TARGET_RPS,
    },
    // A wrong merge is a finding to report (synthetic people can coincide), not a broken run.
    valid: mixes.every((m) => m.records > 0),
  };
}

/** One store of `size` people, open for the whole run: its sizes' rounds alternate. */
interface PreparedStore {
  size: number;
  stack: ScratchStack;
  matcher: MatchingService;
  generator: PeopleGenerator;
  stored: { recordId: string; person: Person }[];
  rng: () => number;
  seedSeconds: number;
  trainSeconds: number;
}

/**
 * Seeds every size's store first, then times each mix in rounds that alternate between
 * the sizes (ascending, then descending, and so on): on a shared machine whose speed
 * drifts (this one loses a fifth of its CPU time to other guests, varying by the minute),
 * measuring one size after the other put the drift into the ratio being measured.
 */
async function measure(
  ctx: BenchContext,
  run: {
    sizes: number[];
    count: number;
    rounds: number;
    duplicateShare: number;
    concurrency: number;
    seedMode: SeedMode;
  },
): Promise<SizeResult[]> {
  const prepared: PreparedStore[] = [];
  try {
    for (const size of run.sizes) prepared.push(await prepare(ctx, size, run.seedMode));
    const mixes = [
      { label: 'new people only', tag: 'new', share: 0 },
      {
        label: `${Math.round(run.duplicateShare * 100)}% duplicates`,
        tag: 'dup',
        share: run.duplicateShare,
      },
    ];
    const batches = new Map<PreparedStore, Map<string, BatchMeasurement[]>>(
      prepared.map((p) => [p, new Map(mixes.map((m) => [m.label, []]))]),
    );
    for (const p of prepared)
      await matchArrivals(ctx, p, 'warm-up', arrivals(p, 'warm', WARMUP_RECORDS, 0), run);
    const perRound = Math.ceil(run.count / run.rounds);
    for (const mix of mixes)
      for (let round = 0; round < run.rounds; round++) {
        const order = round % 2 === 0 ? prepared : [...prepared].reverse();
        const n = Math.min(perRound, run.count - round * perRound);
        for (const p of order) {
          const batch = arrivals(p, `${mix.tag}${round}`, n, mix.share);
          batches
            .get(p)!
            .get(mix.label)!
            .push(await matchArrivals(ctx, p, `${mix.label}, round ${round + 1}`, batch, run));
        }
      }
    return prepared.map((p) => ({
      size: p.size,
      seedSeconds: p.seedSeconds,
      trainSeconds: p.trainSeconds,
      mixes: mixes.map((m) => combine(ctx, p.size, m.label, batches.get(p)!.get(m.label)!)),
    }));
  } finally {
    for (const p of prepared) {
      await p.matcher.close();
      await p.stack.close();
    }
  }
}

/** A scratch stack with a pool of the bench's own, for seeding. */
type BenchStack = ScratchStack & { pg: Pool };

async function prepare(
  ctx: BenchContext,
  size: number,
  seedMode: SeedMode,
): Promise<PreparedStore> {
  // Contacts are resolved deterministically first; matching is driven (and timed) below.
  const config: Config = {
    ...ctx.config,
    identity: {
      ...ctx.config.identity,
      matching: { ...ctx.config.identity.matching, enabled: false },
    },
  };
  const logger = createLogger('silent');
  const scratch = await openScratchStack(config, logger, {
    label: 'bench_match',
    countStoreCommands: true,
  });
  // Seeding writes the index tables in bulk, past the stores' interfaces.
  const pg = createPostgresPool({
    url: config.postgres.url,
    schema: scratch.pgSchema,
    statementTimeoutMs: 120_000,
  });
  const stack: BenchStack = {
    ...scratch,
    pg,
    close: async () => {
      await pg.end();
      await scratch.close();
    },
  };
  const { services, store } = stack;
  const matcher = new MatchingService({
    stores: openMatchingStores(pg, logger),
    graph: services.graph,
    store,
    thresholds: {
      merge: ctx.config.identity.matching.mergeThreshold,
      review: ctx.config.identity.matching.reviewThreshold,
      conflict: ctx.config.identity.matching.conflictThreshold,
      settle: ctx.config.identity.matching.settleThreshold,
    },
    logger,
    onTrainingDue: () => undefined,
  });
  try {
    const generator = new PeopleGenerator(seededRng(size));
    ctx.progress(`${NAME}: seeding ${size} people`);
    const seedStarted = performance.now();
    const stored = await seed(ctx, stack, generator, size, seedMode);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    ctx.progress(`${NAME}: training on ${size} records`);
    const trainStarted = performance.now();
    await matcher.trainer.train();
    const trainSeconds = (performance.now() - trainStarted) / 1000;
    return {
      size,
      stack,
      matcher,
      generator,
      stored,
      rng: seededRng(size + 1),
      seedSeconds,
      trainSeconds,
    };
  } catch (err) {
    await matcher.close();
    await stack.close();
    throw err;
  }
}

/** `n` new contacts for a store: new people, and re-typed copies of its own at `share`. */
function arrivals(p: PreparedStore, label: string, n: number, share: number): Arrival[] {
  return Array.from({ length: n }, (_, i) => {
    const crmId = `${label}-${i}`;
    if (p.rng() < share) {
      const of = p.stored[Math.floor(p.rng() * p.stored.length)]!;
      return { crmId, person: p.generator.duplicate(of.person), duplicateOf: of.recordId };
    }
    return { crmId, person: p.generator.person(), duplicateOf: null };
  });
}

interface Arrival {
  crmId: string;
  person: Person;
  duplicateOf: string | null;
}

/** What one timed batch measured, summed into a mix's figures by `combine`. */
interface BatchMeasurement {
  arrivals: Arrival[];
  outcomes: Map<string, MatchResult>;
  latencies: number[];
  seconds: number;
  /** Machine busy ms over the batch (null where /proc/stat is missing). */
  busyMs: number | null;
  /** Ms the machine's CPUs were taken by other guests (steal time) over the batch. */
  stolenMs: number | null;
  cpuMsByProcess: Record<string, number>;
  storeCommands: number;
}

async function matchArrivals(
  ctx: BenchContext,
  { size, stack, matcher }: PreparedStore,
  label: string,
  batch: Arrival[],
  run: { concurrency: number },
): Promise<BatchMeasurement> {
  ctx.progress(`${NAME}: ${size} stored, ${label}: resolving ${batch.length} arrivals (untimed)`);
  // What each resolution wrote, handed to matching as the gateway hands it on arrival.
  const owners = new Map<string, { owner: string; known: KnownState }>();
  await pool(8, batch, async (a) => {
    const r = await stack.services.crmContacts.upsert({
      crmId: a.crmId,
      ...a.person,
      attributes: { nationalId: a.person.nationalId },
    });
    owners.set(a.crmId, { owner: r.recordOwner!, known: r.known });
  });
  await quiesce();
  // A full collection now rather than in the timed part: its cost follows the whole
  // heap, mostly this benchmark's own people (both stores' worth), and one landing in a
  // round of a fraction of a second moved that round's figure by a third.
  collectGarbage();
  ctx.progress(`${NAME}: ${size} stored, ${label}: matching ${batch.length} arrivals`);
  const latencies: number[] = [];
  const outcomes = new Map<string, MatchResult>();
  const busyBefore = machineBusyMs();
  const stolenBefore = machineStolenMs();
  const byProcessBefore = cpuByProcess();
  const commandsBefore = stack.storeCommands();
  const started = performance.now();
  await profiled(`matching-${size}-${label}`, () =>
    pool(run.concurrency, batch, async (a) => {
      const t0 = performance.now();
      outcomes.set(
        a.crmId,
        await matcher.matcher.onRecord(
          `crm:${a.crmId}`,
          owners.get(a.crmId)!.owner,
          traitsOf(a.person),
          owners.get(a.crmId)!.known,
        ),
      );
      latencies.push(performance.now() - t0);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const busyAfter = machineBusyMs();
  const stolenAfter = machineStolenMs();
  const byProcessAfter = cpuByProcess();
  return {
    arrivals: batch,
    outcomes,
    latencies,
    seconds,
    busyMs: busyBefore === null || busyAfter === null ? null : busyAfter - busyBefore,
    stolenMs: stolenBefore === null || stolenAfter === null ? null : stolenAfter - stolenBefore,
    cpuMsByProcess: Object.fromEntries(
      Object.keys(byProcessAfter).map((k) => [
        k,
        (byProcessAfter[k] ?? 0) - (byProcessBefore[k] ?? 0),
      ]),
    ),
    storeCommands: stack.storeCommands() - commandsBefore,
  };
}

/** A mix's figures at one size, from its rounds. */
function combine(
  ctx: BenchContext,
  size: number,
  mix: string,
  batches: BatchMeasurement[],
): MixResult {
  const records = batches.reduce((n, b) => n + b.arrivals.length, 0);
  const seconds = batches.reduce((t, b) => t + b.seconds, 0);
  const summary = summarise(
    batches.flatMap((b) => b.latencies),
    0,
    seconds * 1000,
  );
  const sum = (f: (b: BatchMeasurement) => number | null): number =>
    batches.some((b) => f(b) === null) ? Number.NaN : batches.reduce((t, b) => t + f(b)!, 0);
  const byProcess: Record<string, number> = {};
  for (const b of batches)
    for (const [k, ms] of Object.entries(b.cpuMsByProcess)) byProcess[k] = (byProcess[k] ?? 0) + ms;
  let duplicatesFound = 0;
  let wrongMerges = 0;
  // Two copies of one stored person can arrive (in different rounds): the second may match
  // the first copy rather than the original, which is just as right.
  const originalOf = new Map<string, string>();
  for (const b of batches)
    for (const a of b.arrivals)
      if (a.duplicateOf !== null) originalOf.set(`crm:${a.crmId}`, a.duplicateOf);
  for (const b of batches)
    for (const a of b.arrivals) {
      const o = b.outcomes.get(a.crmId)!;
      if (o.outcome !== 'merged') continue;
      const matched = o.candidate?.recordId;
      if (
        a.duplicateOf !== null &&
        matched !== undefined &&
        (matched === a.duplicateOf || originalOf.get(matched) === a.duplicateOf)
      )
        duplicatesFound++;
      else {
        wrongMerges++;
        if (wrongMerges <= 3)
          ctx.progress(
            `${NAME}: wrong merge of crm:${a.crmId} (${a.duplicateOf ?? 'a new person'}) with ${o.candidate?.recordId}: ` +
              o
                .candidate!.score.fields.filter((f) => f.level !== null)
                .map((f) => `${f.field} ${f.level} ${round(f.weight, 1)}`)
                .join(', '),
          );
      }
    }
  const all = batches.flatMap((b) => [...b.outcomes.values()]);
  const busy = sum((b) => b.busyMs);
  const stolen = sum((b) => b.stolenMs);
  return {
    size,
    mix,
    records,
    seconds,
    recordsPerSecond: records / seconds,
    p50Ms: summary.p50Ms,
    p99Ms: summary.p99Ms,
    merged: all.filter((o) => o.outcome === 'merged').length,
    machineCpuMsPerRecord: busy / records,
    stolenShare: stolen / (busy + stolen),
    cpuMsPerRecordByProcess: Object.fromEntries(
      Object.entries(byProcess).map(([k, ms]) => [k, Math.round((100 * ms) / records) / 100]),
    ),
    storeCommandsPerRecord: sum((b) => b.storeCommands) / records,
    candidatesPerRecord: all.reduce((n, o) => n + o.candidates, 0) / records,
    duplicates: batches.reduce(
      (n, b) => n + b.arrivals.filter((a) => a.duplicateOf !== null).length,
      0,
    ),
    duplicatesFound,
    wrongMerges,
    rounds: batches.map((b) => ({ recordsPerSecond: b.arrivals.length / b.seconds })),
  };
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((x, y) => x - y);
  return {
    median: round(percentile(sorted, 50), 3),
    min: round(sorted[0]!, 3),
    max: round(sorted.at(-1)!, 3),
  };
}

function traitsOf(p: Person): Record<string, unknown> {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    birthDate: p.birthDate,
    address: p.address,
    nationalId: p.nationalId,
  };
}

/**
 * Stores N people as after an initial load. With `store` (the default), each is a CRM
 * contact upserted through the real path (validation, resolution, the profile store:
 * identities, record, raw version, log, view), so the profile store really holds N
 * profiles and a merge on arrival folds a real one. Their match index rows are then
 * written in bulk, as matching would have (same values and keys; the training that
 * follows counts the terms): matching each seed on arrival would measure nothing new.
 * `index` (BENCH_MATCH_SEED=index) writes only the index rows, under profile ids that
 * have no profile: fast, for comparing changes to matching itself, but merges then fold a
 * profile from nothing.
 */
async function seed(
  ctx: BenchContext,
  { services, pg }: BenchStack,
  generator: PeopleGenerator,
  size: number,
  mode: SeedMode,
): Promise<{ recordId: string; person: Person }[]> {
  const stored: { recordId: string; person: Person }[] = [];
  const past = Date.now() - 365 * 86_400_000;
  for (let from = 0; from < size; from += SEED_CHUNK) {
    const chunk = Array.from({ length: Math.min(size, from + SEED_CHUNK) - from }, (_, k) => ({
      i: from + k,
      person: generator.person(),
    }));
    const owners = new Map<number, string>();
    if (mode === 'store') {
      await pool(16, chunk, async ({ i, person }) => {
        const r = await services.crmContacts.upsert({
          crmId: `seed-${i}`,
          ...person,
          attributes: { nationalId: person.nationalId },
        });
        owners.set(i, r.recordOwner!);
      });
      ctx.progress(`${NAME}: ${from + chunk.length}/${size} people stored`);
    }
    const rows = chunk.map(({ i, person }) => {
      const values = matchValuesFromTraits(traitsOf(person));
      const recordId = `crm:seed-${i}`;
      stored.push({ recordId, person });
      return {
        recordId,
        profileId: owners.get(i) ?? ulid(past + i),
        seq: i + 1,
        values,
        keys: blockingKeys(values),
      };
    });
    await pg.query(
      `INSERT INTO match_records (record_id, profile_id, seq, match_values, block_keys, decided_version, decision)
       SELECT r, p, s, v, ARRAY(SELECT jsonb_array_elements_text(k)), 0, 'none'
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[], $5::jsonb[]) AS t(r, p, s, v, k)`,
      [
        rows.map((r) => r.recordId),
        rows.map((r) => r.profileId),
        rows.map((r) => r.seq),
        rows.map((r) => JSON.stringify(r.values)),
        rows.map((r) => JSON.stringify(r.keys)),
      ],
    );
    const keyRows = rows.flatMap((r) => {
      const packed = packValues(r.values);
      return r.keys.map((k) => [k, r.seq, r.recordId, r.profileId, packed] as const);
    });
    await pg.query(
      `INSERT INTO match_block_keys (block_key, seq, record_id, profile_id, packed_values)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT DO NOTHING`,
      [0, 1, 2, 3, 4].map((column) => keyRows.map((k) => k[column])),
    );
  }
  await pg.query(`SELECT setval(pg_get_serial_sequence('match_records', 'seq'), $1)`, [size]);
  // As after any initial load: vacuumed (visibility map set) and analysed, and no
  // autovacuum left to run into the timed part.
  await pg.query('VACUUM ANALYZE match_records, match_block_keys');
  // The load's WAL written out now, so that no checkpoint falls in the timed part (the
  // 100k figure varied from run to run; this removes one suspect). Needs superuser;
  // without it the run goes on.
  await pg.query('CHECKPOINT').catch(() => undefined);
  return stored;
}

/**
 * Waits (up to 30 s) until the services are idle: what the untimed part wrote may still
 * be settling (SQLite checkpoints in the store, PostgreSQL's background writer), and
 * would otherwise be billed to the records timed next.
 */
async function quiesce(): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 500) {
    const before = cpuByProcess();
    await new Promise((r) => setTimeout(r, 500));
    const after = cpuByProcess();
    const busy = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
    if (busy('store') + busy('postgresql') < 50) return; // under 10% of one core
  }
}

/** A full garbage collection, where the process runs with --expose-gc (`npm run bench` does). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function pool<T>(
  concurrency: number,
  items: T[],
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
