/**
 * `npm run eval:ceiling -- FILE.csv`: the most pairwise Fellegi-Sunter matching with this
 * code's comparisons and blocking can reach on a labelled set, whatever its training. A
 * model is fitted from the truth itself (m from every true pair, u from 1,000,000 random
 * pairs of different people, the prior from the pair counts, term frequencies from the
 * set), every candidate pair blocking yields is scored with the same `scoreTotal` the
 * matcher ranks with, and the pairs at or above a threshold are joined by three rules:
 * - closure: best first, transitively (a record joins a cluster through any member);
 * - + conflict check: the same, but two clusters stay apart when any pair across them
 *   scores below `MOSAIC_MATCH_CONFLICT_THRESHOLD` (as `Matcher` decides);
 * - on arrival, then settled: as Mosaic decides, in arrival order at the merge threshold,
 *   the pairs from the threshold up queued and then settled best first (see `settling.ts`).
 * Rows sharing an email are one cluster from the start in all three, as deterministic
 * resolution links them. Pairwise precision, recall and F1 of the clusters are printed per
 * threshold and rule.
 *
 * With CEILING_MODEL=FILE a trained model (JSON, as `eval:identity` writes it with
 * EVAL_MODEL_OUT=FILE) is used instead of the truth-fitted one.
 *
 * Unsupervised training can only approach the supervised fit, so when the best F1 here at
 * precision ≥ 0.98 is below a goal, no training change can meet that goal: the gap is in
 * the comparisons (what the fields can say) or the data. No store is needed; it runs in
 * seconds. The last line is JSON.
 */
import { readFileSync } from 'node:fs';
import { blockingKeys } from '../../src/matching/blockingKeys';
import { COMPARISONS, compareValues } from '../../src/matching/comparisons';
import {
  MATCH_FIELDS,
  matchValuesFromTraits,
  presentFields,
  type MatchField,
  type MatchValues,
} from '../../src/matching/matchFields';
import { MAX_BLOCK_READ } from '../../src/matching/matchIndex';
import { loadConfig } from '../../src/config/env';
import {
  probabilityOf,
  scoreTotal,
  weightOf,
  type MatchModel,
} from '../../src/matching/matchModel';
import { MIN_MATCH_FIELDS } from '../../src/matching/matcher';
import { seededRandom } from '../demo/random';
import { contactOf, personOf, readRows } from './febrlCsv';

const RANDOM_PAIRS = 1_000_000;
const THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];
const { conflictThreshold, mergeThreshold } = loadConfig(process.env).identity.matching;

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run eval:ceiling -- FILE.csv');
  process.exit(2);
}

const rows = readRows(file);
const values: MatchValues[] = rows.map((row, i) => {
  const { attributes, ...contact } = contactOf(row, i);
  return matchValuesFromTraits({ ...(attributes ?? {}), ...contact });
});
const matchable = values.map((v) => presentFields(v) >= MIN_MATCH_FIELDS);
const person = rows.map((r) => personOf(r.recId));
const byPerson = new Map<string, number[]>();
person.forEach((p, i) => byPerson.set(p, [...(byPerson.get(p) ?? []), i]));

/** Level counts per comparison: index = level, plus the number of pairs counted. */
function levelCounts(pairs: Iterable<[number, number]>): { counts: number[][]; n: number } {
  const counts = COMPARISONS.map((c) => new Array<number>(c.levels.length).fill(0));
  let n = 0;
  for (const [a, b] of pairs) {
    compareValues(values[a]!, values[b]!).forEach((level, i) => {
      if (level !== null) counts[i]![level]!++;
    });
    n++;
  }
  return { counts, n };
}

function* truePairs(): Generator<[number, number]> {
  for (const members of byPerson.values())
    for (let a = 0; a < members.length; a++)
      for (let b = a + 1; b < members.length; b++) yield [members[a]!, members[b]!];
}

function* randomStrangers(): Generator<[number, number]> {
  const rand = seededRandom(22);
  for (let k = 0; k < RANDOM_PAIRS; k++) {
    const a = rand.int(0, rows.length - 1);
    const b = rand.int(0, rows.length - 1);
    if (a !== b && person[a] !== person[b]) yield [a, b];
  }
}

/** Per level, the share of the field's present comparisons there, with a half-count floor. */
const shares = (counts: number[]): number[] => {
  const total = counts.reduce((s, n) => s + n, 0) + counts.length / 2;
  return counts.map((n) => (n + 0.5) / total);
};

const m = levelCounts(truePairs());
const u = levelCounts(randomStrangers());
const allPairs = (rows.length * (rows.length - 1)) / 2;
const supervised: MatchModel = {
  version: 0,
  trainedAt: null,
  trainedOn: { records: rows.length, candidatePairs: 0, randomPairs: u.n, iterations: 0 },
  prior: m.n / allPairs,
  levels: Object.fromEntries(
    COMPARISONS.map((c, i) => {
      const ms = shares(m.counts[i]!);
      const us = shares(u.counts[i]!);
      return [c.field, ms.map((mi, l) => ({ m: mi, u: us[l]! }))];
    }),
  ) as MatchModel['levels'],
};
// CEILING_MODEL=FILE replays the pairs with a trained model instead (`eval:identity` writes
// its last one with EVAL_MODEL_OUT=FILE): what the same rules make of what training learnt.
const model: MatchModel = process.env.CEILING_MODEL
  ? (JSON.parse(readFileSync(process.env.CEILING_MODEL, 'utf8')) as MatchModel)
  : supervised;

// Term frequencies as the matcher's: a value's count over the records having the field.
const termCount = new Map<string, number>();
const having = new Map<MatchField, number>();
for (const v of values)
  for (const field of MATCH_FIELDS) {
    if (v[field] === undefined) continue;
    having.set(field, (having.get(field) ?? 0) + 1);
    termCount.set(
      `${field}\u0000${v[field]}`,
      (termCount.get(`${field}\u0000${v[field]}`) ?? 0) + 1,
    );
  }
const tf = (field: MatchField, value: string): number | undefined => {
  const n = termCount.get(`${field}\u0000${value}`);
  return n === undefined ? undefined : n / having.get(field)!;
};

// Candidates as matching reads them: arrival order, each block's latest members.
const blocks = new Map<string, number[]>();
const scored: { a: number; b: number; p: number }[] = [];
values.forEach((v, i) => {
  if (!matchable[i]) return;
  const candidates = new Set<number>();
  for (const key of blockingKeys(v)) {
    const block = blocks.get(key) ?? [];
    for (const j of block.slice(-MAX_BLOCK_READ)) candidates.add(j);
    block.push(i);
    blocks.set(key, block);
  }
  for (const j of candidates)
    scored.push({ a: j, b: i, p: probabilityOf(scoreTotal(model, v, values[j]!, tf)) });
});

type Pair = (typeof scored)[number];
const byScore = [...scored].sort((x, y) => y.p - x.p);
// Arrival order: each record's candidates, best first, as it meets them.
const byArrival = [...scored].sort((x, y) => x.b - y.b || y.p - x.p);
const atModelU = () => undefined;

/** The first row holding each email: deterministic resolution links rows sharing one. */
const firstWithEmail = new Map<string, number>();
values.forEach((v, i) => {
  if (v.email !== undefined && !firstWithEmail.has(v.email)) firstWithEmail.set(v.email, i);
});

/**
 * Union-find over the rows, each root holding its cluster's members; rows sharing an email
 * start as one cluster, as deterministic resolution links them before matching.
 */
function clusters(conflict: number | null) {
  const parent = values.map((v, i) => (v.email === undefined ? i : firstWithEmail.get(v.email)!));
  const members = rows.map((): number[] => []);
  parent.forEach((root, i) => members[root]!.push(i));
  const rootOf = (i: number): number => (parent[i] === i ? i : (parent[i] = rootOf(parent[i]!)));
  const floor = conflict === null ? -Infinity : weightOf(conflict);
  return {
    rootOf,
    /** Joins the clusters of a pair unless they are one, or a pair across them contradicts. */
    join(pair: Pair): boolean {
      const [ra, rb] = [rootOf(pair.a), rootOf(pair.b)];
      if (ra === rb) return false;
      const contradicted = members[ra]!.some((x) =>
        members[rb]!.some((y) => scoreTotal(model, values[x]!, values[y]!, atModelU) < floor),
      );
      if (contradicted) return false;
      parent[ra] = rb;
      members[rb]!.push(...members[ra]!);
      return true;
    },
    all: () => rows.map((_, i) => rootOf(i)),
  };
}

/** Every pair at or above `threshold` joined, best first. */
function bestFirst(threshold: number, conflict: number | null): number[] {
  const c = clusters(conflict);
  for (const pair of byScore) {
    if (pair.p < threshold) break;
    c.join(pair);
  }
  return c.all();
}

/**
 * As Mosaic decides: on arrival a record joins each cluster it matches at or above the
 * merge threshold (after the first, only those); otherwise its best other cluster at or
 * above `threshold` is queued; settling then joins the queued pairs best first. Both with
 * the conflict check.
 */
function settled(threshold: number, conflict: number): number[] {
  const c = clusters(conflict);
  const queued: Pair[] = [];
  for (let i = 0; i < byArrival.length;) {
    const record = byArrival[i]!.b;
    let joined = false;
    let decided = false;
    for (; i < byArrival.length && byArrival[i]!.b === record; i++) {
      const pair = byArrival[i]!;
      if (decided || c.rootOf(pair.a) === c.rootOf(pair.b)) continue;
      if (pair.p >= mergeThreshold) joined = c.join(pair) || joined;
      else {
        if (!joined && pair.p >= threshold) queued.push(pair);
        decided = true;
      }
    }
  }
  for (const pair of queued.sort((x, y) => y.p - x.p)) c.join(pair);
  return c.all();
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const evaluate = (threshold: number, cluster: number[]) => {
  const sizes = new Map<number, number>();
  cluster.forEach((c) => sizes.set(c, (sizes.get(c) ?? 0) + 1));
  let predicted = 0;
  for (const n of sizes.values()) predicted += (n * (n - 1)) / 2;
  let correct = 0;
  for (const [a, b] of truePairs()) if (cluster[a] === cluster[b]) correct++;
  const precision = predicted === 0 ? 1 : correct / predicted;
  const recall = correct / m.n;
  const f1 = (2 * precision * recall) / (precision + recall || 1);
  return { threshold, precision: round(precision), recall: round(recall), f1: round(f1) };
};
const rules = {
  closure: THRESHOLDS.map((t) => evaluate(t, bestFirst(t, null))),
  withConflictCheck: THRESHOLDS.map((t) => evaluate(t, bestFirst(t, conflictThreshold))),
  settled: THRESHOLDS.map((t) => evaluate(t, settled(t, conflictThreshold))),
};

/** The best F1 among thresholds whose precision is at least 0.98 (null: none is). */
const bestOf = (results: ReturnType<typeof evaluate>[]) =>
  results
    .filter((r) => r.precision >= 0.98)
    .reduce<ReturnType<typeof evaluate> | null>(
      (x, y) => (x === null || y.f1 > x.f1 ? y : x),
      null,
    );

console.log(
  `precision / recall / F1 per threshold; conflict threshold ${conflictThreshold}, ` +
    `merge threshold on arrival ${mergeThreshold}`,
);
console.log(
  'threshold  closure                  + conflict check         on arrival, then settled',
);
THRESHOLDS.forEach((t, i) => {
  const cells = (r: ReturnType<typeof evaluate>) =>
    [r.precision, r.recall, r.f1].map((x) => x.toFixed(4)).join(' ');
  const row = Object.values(rules).map((r) => cells(r[i]!));
  console.log(`${String(t).padEnd(11)}${row.join('   ')}`);
});
console.log(
  JSON.stringify({
    file,
    records: rows.length,
    truePairs: m.n,
    candidatePairs: scored.length,
    conflictThreshold,
    bestAtPrecision098: {
      closure: bestOf(rules.closure),
      withConflictCheck: bestOf(rules.withConflictCheck),
      settled: bestOf(rules.settled),
    },
    ...rules,
  }),
);
