import fc from 'fast-check';
import { seededRandom } from '../../scripts/demo/random';
import { COMPARISONS, type ComparisonVector } from '../../src/matching/comparisons';
import {
  decontaminatedU,
  estimateModel,
  estimatePrior,
  MIN_KNOWN_MATCHES,
  U_PRIOR_PAIRS,
  type CandidatePair,
} from '../../src/matching/estimate';
import type { IndexedRecord } from '../../src/matching/matchIndex';
import { defaultModel, type MatchModel } from '../../src/matching/matchModel';
import { judge } from '../../src/matching/trainer';

/**
 * Training without labels: EM recovers the m that generated the candidate pairs even when
 * strangers among them agree on the fields their blocking key is made of, and with values
 * missing; the prior is the chance that two records of the store are one person; the guard
 * rejects models that would flag strangers and says why.
 */

const SEED = 20261206;

/** Deterministic pseudo-random numbers, so the tests are repeatable. */
function rng(seed: number): () => number {
  const random = seededRandom(seed);
  return () => random.next();
}

function draw(probabilities: number[], r: number): number {
  let acc = 0;
  for (let i = 0; i < probabilities.length; i++) {
    acc += probabilities[i]!;
    if (r < acc) return i;
  }
  return probabilities.length - 1;
}

/** m concentrated on agreement, u on disagreement, for every comparison. */
function truthModel(): MatchModel {
  const truth = defaultModel();
  for (const c of COMPARISONS) {
    const n = c.levels.length;
    const m = Array.from({ length: n }, (_, l) => (l === 0 ? 0.7 : 0.3 / (n - 1)));
    const u = Array.from({ length: n }, (_, l) => (l === n - 1 ? 0.9 : 0.1 / (n - 1)));
    truth.levels[c.field] = m.map((mi, l) => ({ m: mi, u: u[l]! }));
  }
  return truth;
}

const at = (field: string) => COMPARISONS.findIndex((c) => c.field === field);

/**
 * Candidate pairs as blocking makes them: a share `matchShare` are one person; the others
 * are strangers who, having shared a key, agree exactly on its fields. `missing`: the
 * chance each value is missing on one side.
 */
function candidatesOf(
  truth: MatchModel,
  random: () => number,
  { count, matchShare, missing }: { count: number; matchShare: number; missing: number },
): CandidatePair[] {
  const kinds = [
    { kind: 'mailbox', fields: [at('email')] },
    { kind: 'birthdate', fields: [at('birthDate')] },
  ] as const;
  return Array.from({ length: count }, (_, n) => {
    const { kind, fields } = kinds[n % 2]!;
    const isMatch = random() < matchShare;
    const vector: ComparisonVector = COMPARISONS.map((c, i) => {
      if ((fields as readonly number[]).includes(i)) return 0;
      if (random() < missing) return null;
      const p = truth.levels[c.field].map((x) => (isMatch ? x.m : x.u));
      return draw(p, random());
    });
    return { vector, kinds: [kind] };
  });
}

const randomPairsOf = (truth: MatchModel, random: () => number, count: number) =>
  Array.from({ length: count }, () =>
    COMPARISONS.map((c) =>
      draw(
        truth.levels[c.field].map((x) => x.u),
        random(),
      ),
    ),
  );

test('EM recovers m although strangers among the candidates agree on their blocking fields, with a fifth of values missing', () => {
  const random = rng(SEED);
  const truth = truthModel();
  const candidates = candidatesOf(truth, random, {
    count: 40_000,
    matchShare: 0.3,
    missing: 0.2,
  });
  const model = estimateModel(
    defaultModel(),
    {
      candidates,
      random: randomPairsOf(truth, random, 20_000),
      deterministicPairs: 2_000,
      records: 10_000,
      presence: {},
    },
    1,
  );
  expect(model.version).toBe(1);
  for (const c of COMPARISONS)
    model.levels[c.field].forEach((p, l) => {
      expect(Math.abs(p.m - truth.levels[c.field][l]!.m)).toBeLessThan(0.03);
      expect(Math.abs(p.u - truth.levels[c.field][l]!.u)).toBeLessThan(0.02);
    });
});

test('counting the blocking fields in, as EM did before, mistakes the strangers for matches', () => {
  // The same data, each pair's kind forgotten: EM then sees every pair agree on email or
  // birth date and moves m away from the truth. This is what the kinds are for.
  const random = rng(SEED);
  const truth = truthModel();
  const candidates = candidatesOf(truth, random, { count: 40_000, matchShare: 0.3, missing: 0.2 });
  const blind = candidates.map((p) => ({ ...p, kinds: ['names' as const] }));
  const model = estimateModel(
    defaultModel(),
    {
      candidates: blind,
      random: randomPairsOf(truth, random, 20_000),
      deterministicPairs: 2_000,
      records: 10_000,
      presence: {},
    },
    1,
  );
  const error = Math.abs(model.levels.city[0]!.m - truth.levels.city[0]!.m);
  expect(error).toBeGreaterThan(0.05);
});

test('missing values weigh nothing: EM learns the same m with half of them gone', () => {
  const truth = truthModel();
  const learn = (missing: number) => {
    const random = rng(SEED + 2);
    return estimateModel(
      defaultModel(),
      {
        candidates: candidatesOf(truth, random, { count: 40_000, matchShare: 0.3, missing }),
        random: randomPairsOf(truth, random, 20_000),
        deterministicPairs: 2_000,
        records: 10_000,
        presence: {},
      },
      1,
    );
  };
  const full = learn(0);
  const half = learn(0.5);
  for (const c of COMPARISONS.filter((x) => x.field !== 'email' && x.field !== 'birthDate'))
    expect(Math.abs(half.levels[c.field][0]!.m - full.levels[c.field][0]!.m)).toBeLessThan(0.03);
});

test('without enough known matches, EM keeps m and the prior, and learns u', () => {
  const previous = defaultModel();
  const random = rng(SEED + 1);
  // Candidates that are all different people who happen to share common names.
  const candidates: CandidatePair[] = Array.from({ length: 5_000 }, () => ({
    vector: COMPARISONS.map((c) =>
      c.field === 'givenName' ? 0 : draw([0.05, 0.95], random()) === 0 ? 0 : c.levels.length - 1,
    ),
    kinds: ['given-city'],
  }));
  const model = estimateModel(
    previous,
    {
      candidates,
      random: candidates.map((p) => p.vector),
      deterministicPairs: MIN_KNOWN_MATCHES - 1,
      records: 5_000,
      presence: {},
    },
    1,
  );
  expect(model.trainedOn.iterations).toBe(0);
  expect(model.prior).toBe(previous.prior);
  for (const c of COMPARISONS)
    model.levels[c.field].forEach((p, l) => expect(p.m).toBe(previous.levels[c.field][l]!.m));
  // u did move to what the random pairs show (everyone agrees on the given name), held back
  // only by the previous model's pseudo-pairs.
  const previousU = previous.levels.givenName[0]!.u;
  expect(model.levels.givenName[0]!.u).toBeCloseTo(
    (5_000 + U_PRIOR_PAIRS * previousU) / (5_000 + U_PRIOR_PAIRS),
    6,
  );
});

test('u learned from random pairs holding a few true matches is near the strangers-only u once they are weighed out', () => {
  const random = rng(SEED + 7);
  const truth = truthModel();
  // A rare exact agreement, as an exact birth date is among strangers.
  const b = at('birthDate');
  const rare = [0.0001, 0.05, 0.05, 0.02, 0.08, 0.7999];
  truth.levels.birthDate = truth.levels.birthDate.map((p, l) => ({ ...p, u: rare[l]! }));
  const strangers = randomPairsOf(truth, random, 200_000);
  // One pair in 2,000 is a true match (a store of people with a few records each).
  const matches = Array.from({ length: 100 }, () =>
    COMPARISONS.map((c) =>
      draw(
        truth.levels[c.field].map((x) => x.m),
        random(),
      ),
    ),
  );
  const pairs = [...strangers, ...matches];
  const raw = (level: number) => pairs.filter((v) => v[b] === level).length / pairs.length;
  // Counted as strangers, the matches make an exact birth date look several times commoner.
  expect(raw(0)).toBeGreaterThan(3 * 0.0001);
  const model = { ...truth, prior: 100 / pairs.length };
  const u = decontaminatedU(model, pairs).birthDate.map((p) => p.u);
  expect(u[0]).toBeLessThan(1.6 * 0.0001);
  expect(u[0]).toBeGreaterThan(0.5 * 0.0001);
  // Common levels barely move; m is kept.
  expect(Math.abs(u[5]! - rare[5]!)).toBeLessThan(0.01);
  expect(decontaminatedU(model, pairs).birthDate.map((p) => p.m)).toEqual(
    truth.levels.birthDate.map((p) => p.m),
  );
});

test('the prior is the chance that two records of the store are one person', () => {
  // 20,000 records, each with 0–3 duplicates (1.5 on average); each probed record's
  // candidates are its duplicates (strong evidence) and a handful of strangers sharing a
  // key (evidence against, or weak evidence for).
  const random = rng(SEED + 3);
  const records = 20_000;
  let duplicates = 0;
  const weights = Array.from({ length: 3_000 }, () => {
    const own = Math.floor(random() * 4);
    duplicates += own;
    const strangers = 2 + Math.floor(random() * 10);
    return Float64Array.from([
      ...Array.from({ length: own }, () => 18 + 10 * random()),
      ...Array.from({ length: strangers }, () => -15 + 20 * random()),
    ]);
  });
  const truth = duplicates / weights.length / (records - 1);
  const prior = estimatePrior(1 / records, weights, records);
  expect(Math.abs(prior - truth) / truth).toBeLessThan(0.05);
});

test('the prior never leaves its bounds and grows with the evidence for the candidates', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.double({ min: -40, max: 40, noNaN: true }), { maxLength: 20 }), {
        minLength: 1,
        maxLength: 30,
      }),
      fc.integer({ min: 2, max: 1_000_000 }),
      fc.double({ min: 0, max: 10, noNaN: true }),
      (candidates, records, more) => {
        const weights = candidates.map((c) => Float64Array.from(c));
        const prior = estimatePrior(0.01, weights, records);
        expect(prior).toBeGreaterThan(0);
        expect(prior).toBeLessThanOrEqual(0.5);
        const stronger = estimatePrior(
          0.01,
          weights.map((w) => w.map((x) => x + more)),
          records,
        );
        expect(stronger).toBeGreaterThanOrEqual(prior * (1 - 1e-3));
      },
    ),
    { seed: SEED, numRuns: 200 },
  );
});

describe('the guard', () => {
  const record = (i: number, values: IndexedRecord['values']): IndexedRecord => ({
    recordId: `r${i}`,
    profileId: `p${i}`,
    seq: i,
    values,
  });
  const cities = ['leeds', 'york', 'hull'];
  // Strangers who share a common first name and a city now and then, and nothing else.
  const strangers = Array.from({ length: 2_000 }, (_, i): [IndexedRecord, IndexedRecord] => [
    record(2 * i, { givenName: 'anna', city: cities[i % 3]!, birthDate: `19${50 + (i % 40)}0101` }),
    record(2 * i + 1, {
      givenName: i % 2 === 0 ? 'anna' : 'mark',
      city: cities[(i >> 1) % 3]!,
      birthDate: `19${50 + ((i * 7) % 40)}0202`,
    }),
  ]);
  const vectors = (pairs: [IndexedRecord, IndexedRecord][]) =>
    pairs.map(([a, b]) => COMPARISONS.map((c) => c.compare(a.values, b.values)));
  const presence = { givenName: 1, city: 1, birthDate: 1 };

  test('passes a model whose prior is a chance per pair of the store', () => {
    const model = { ...defaultModel(), prior: 1e-5, presence };
    expect(judge(model, strangers, vectors(strangers), 10_000, 0.8)).toEqual([]);
  });

  test('rejects a model that flags strangers, and says how many it flags and what is allowed', () => {
    // A prior of 0.5 for every pair: first name and city alone would merge strangers.
    const model = { ...defaultModel(), prior: 0.5, presence };
    const reasons = judge(model, strangers, vectors(strangers), 10_000, 0.8);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/flag \d+\.\d+% of random pairs as matches \(allowed: 0\.10%\)/),
        expect.stringMatching(/gives each record 5000 duplicates/),
      ]),
    );
  });

  test('rejects a model in which an exact agreement counts against a match', () => {
    const model = { ...defaultModel(), prior: 1e-5, presence };
    model.levels = { ...model.levels, city: [{ m: 0.01, u: 0.3 }, ...model.levels.city.slice(1)] };
    expect(judge(model, strangers, vectors(strangers), 10_000, 0.8)).toEqual([
      expect.stringMatching(/an exact city would count against a match \(m 0\.0100 ≤ u 0\.300\)/),
    ]);
  });
});
