import type { Logger } from 'pino';
import { COMPARISONS, compareValues, type ComparisonVector } from './comparisons';
import { MATCH_FIELDS, type MatchField } from './matchFields';
import { estimateModel } from './estimate';
import type { IndexedRecord, MatchIndex } from './matchIndex';
import { scorePair, type MatchModel } from './matchModel';
import type { Matcher } from './matcher';
import { MODEL_REFRESH_MS, type ModelStore } from './modelStore';

/** Blocks sampled for EM, and the cap on candidate pairs drawn from them. */
const SAMPLED_BLOCKS = 20_000;
const MAX_CANDIDATE_PAIRS = 50_000;
/** Random pairs for u: enough that a one-in-a-thousand agreement is seen a few dozen times. */
const RANDOM_PAIRS = 20_000;
const REMATCH_PAGE = 500;
const REMATCH_CONCURRENCY = 4;

const at = (field: string) => COMPARISONS.findIndex((c) => c.field === field);
const [GIVEN, SURNAME, BIRTH, ID, EMAIL, PHONE] = [
  'givenName',
  'surname',
  'birthDate',
  'nationalId',
  'email',
  'phone',
].map(at) as [number, number, number, number, number, number];

/**
 * Pairs known to be one person without any model: two independent exact agreements among
 * email, phone, national id, birth date and full name. One alone is not enough (shared
 * family emails, recycled numbers, two John Smiths).
 */
export function knownMatch(v: ComparisonVector): boolean {
  const agreements = [
    v[EMAIL] === 0,
    v[PHONE] === 0,
    v[ID] === 0,
    v[BIRTH] === 0,
    v[GIVEN] === 0 && v[SURNAME] === 0,
  ].filter(Boolean).length;
  return agreements >= 2;
}

/**
 * A trained model is used only if random pairs (nearly all different people) rarely reach
 * the review threshold under it: EM on data with few true matches can settle on a "match"
 * class that is merely common values, and such a model would merge strangers. Allowed:
 * 0.1% of random pairs, or three times the share of random pairs that are known matches
 * (a small store full of duplicates has true matches among its random pairs too).
 */
const MAX_RANDOM_PAIRS_FLAGGED = 0.001;
const FLAGGED_PER_KNOWN_MATCH = 3;

/**
 * Retrains the match model from the store's own records (the `identity-training` job), then
 * matches again every record last decided by an older model, so records that arrived while
 * the model knew little get the benefit of what it learned since.
 */
export class MatchTrainer {
  constructor(
    private readonly deps: {
      index: MatchIndex;
      models: ModelStore;
      matcher: Matcher;
      logger: Logger;
      reviewThreshold: number;
    },
  ) {}

  /**
   * Processes pick a new version up within MODEL_REFRESH_MS; what they decided with the old
   * one meanwhile is caught by a second pass `secondPassAfterMs` later (0: no second pass,
   * for a caller whose matcher shares this trainer's model store, as the evaluation's does).
   */
  async trainAndRematch(
    secondPassAfterMs = MODEL_REFRESH_MS + 1_000,
  ): Promise<{ model: MatchModel; rematched: number }> {
    const model = await this.train();
    let rematched = await this.rematchOlderThan(model.version);
    if (model.version > 0 && secondPassAfterMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, secondPassAfterMs));
      rematched += await this.rematchOlderThan(model.version);
    }
    return { model, rematched };
  }

  async train(): Promise<MatchModel> {
    const { index, models, logger } = this.deps;
    const current = await models.latest();
    // Exact counts for the model's term frequencies, replacing the running ones.
    await index.terms.recount();
    const [records, blocks, sample] = await Promise.all([
      index.size(),
      index.sampleBlocks(SAMPLED_BLOCKS, current.version + 1),
      index.sample(2 * RANDOM_PAIRS, current.version + 1),
    ]);
    const pairs: [string, string][] = [];
    const seen = new Set<string>();
    for (const block of blocks) {
      for (let i = 0; i < block.length && pairs.length < MAX_CANDIDATE_PAIRS; i++) {
        for (let j = i + 1; j < block.length && pairs.length < MAX_CANDIDATE_PAIRS; j++) {
          const [a, b] = block[i]! < block[j]! ? [block[i]!, block[j]!] : [block[j]!, block[i]!];
          const key = `${a}\u0000${b}`;
          if (seen.has(key)) continue;
          seen.add(key);
          pairs.push([a, b]);
        }
      }
    }
    const values = await index.getMany([...new Set(pairs.flat())]);
    const candidates: ComparisonVector[] = [];
    for (const [a, b] of pairs) {
      const va = values.get(a);
      const vb = values.get(b);
      if (va && vb) candidates.push(compareValues(va.values, vb.values));
    }
    // Random pairs drawn from the sample (a small store has fewer records than pairs
    // wanted), with a generator seeded by the version, so a training is repeatable.
    const pairsOfSample = randomPairs(sample, RANDOM_PAIRS, current.version + 1);
    const random = pairsOfSample.map(([a, b]) => compareValues(a.values, b.values));
    const deterministic = candidates.filter(knownMatch).length;
    const presence: Partial<Record<MatchField, number>> = {};
    if (sample.length > 0)
      for (const f of MATCH_FIELDS)
        presence[f] = sample.filter((r) => r.values[f] !== undefined).length / sample.length;

    const model = estimateModel(
      current,
      {
        candidates,
        random,
        deterministicPairs: deterministic,
        records,
        presence,
      },
      current.version + 1,
    );
    const flagged = flaggedShare(model, pairsOfSample, this.deps.reviewThreshold);
    const knownAmongRandom =
      random.length > 0 ? random.filter(knownMatch).length / random.length : 0;
    if (flagged > Math.max(MAX_RANDOM_PAIRS_FLAGGED, FLAGGED_PER_KNOWN_MATCH * knownAmongRandom)) {
      logger.warn(
        {
          version: model.version,
          flagged,
          knownAmongRandom,
          prior: model.prior,
          ...model.trainedOn,
        },
        'trained match model rejected: it would flag random pairs as matches; keeping the current one',
      );
      return current;
    }
    if (!(await models.save(model))) {
      logger.info({ version: model.version }, 'another trainer stored this model version first');
      return models.latest();
    }
    logger.info(
      { version: model.version, prior: model.prior, ...model.trainedOn },
      'match model trained',
    );
    return model;
  }

  /** Matches again every record whose last decision (other than a merge) came from an older model. */
  async rematchOlderThan(version: number): Promise<number> {
    let after = 0;
    let done = 0;
    for (;;) {
      const page = await this.deps.index.decidedBefore(version, after, REMATCH_PAGE);
      if (page.length === 0) return done;
      let next = 0;
      const worker = async () => {
        while (next < page.length) await this.deps.matcher.rematch(page[next++]!);
      };
      await Promise.all(Array.from({ length: REMATCH_CONCURRENCY }, worker));
      done += page.length;
      after = page.at(-1)!.seq;
    }
  }
}

/** `count` pairs of distinct records from `sample`, chosen by a generator seeded with `seed`. */
function randomPairs(
  sample: IndexedRecord[],
  count: number,
  seed: number,
): [IndexedRecord, IndexedRecord][] {
  if (sample.length < 2) return [];
  let s = (seed * 2_654_435_761) >>> 0;
  const next = () => {
    // xorshift32: small and good enough to pick indices.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4_294_967_296;
  };
  const pairs: [IndexedRecord, IndexedRecord][] = [];
  while (pairs.length < count) {
    const i = Math.floor(next() * sample.length);
    const j = Math.floor(next() * sample.length);
    if (i !== j) pairs.push([sample[i]!, sample[j]!]);
  }
  return pairs;
}

/** Share of random pairs the model scores at or above `threshold`. */
function flaggedShare(
  model: MatchModel,
  pairs: [IndexedRecord, IndexedRecord][],
  threshold: number,
): number {
  let flagged = 0;
  for (const [a, b] of pairs) {
    // Frequencies are not at hand here; the level's own u is the cautious side of them.
    if (scorePair(model, a.values, b.values, () => undefined).probability >= threshold) flagged++;
  }
  return pairs.length === 0 ? 0 : flagged / pairs.length;
}
