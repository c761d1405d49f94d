import type { Logger } from 'pino';
import { COMPARISONS, compareValues, type ComparisonVector } from './comparisons';
import { MATCH_FIELDS, type MatchField } from './matchFields';
import { BLOCKING_KEYS_VERSION, blockingKeys, kindOfKey } from './blockingKeys';
import { decontaminatedU, estimateModel, estimatePrior, type CandidatePair } from './estimate';
import type { IndexedRecord, MatchIndex } from './matchIndex';
import { scoreTotal, weightOf, type MatchModel, type TermFrequency } from './matchModel';
import type { Matcher } from './matcher';
import { MODEL_REFRESH_MS, type ModelStore } from './modelStore';
import { termKey } from './termCounts';

/**
 * Random pairs for u: enough that a one-in-twenty-thousand agreement (an exact birth date)
 * is seen a dozen times rather than guessed from one or two (as Splink samples millions).
 */
const RANDOM_PAIRS = 300_000;
/** Records the random pairs are drawn from (and whose field presence is measured). */
const SAMPLE_RECORDS = 40_000;
/**
 * Records whose candidates training reads (one blocking look-up each): the candidate
 * pairs EM learns m from, and, with every pair of these records, the prior.
 */
const PROBE_RECORDS = 3_000;
const PROBE_CONCURRENCY = 4;
const REMATCH_PAGE = 500;
const REKEY_PAGE = 500;
const REMATCH_CONCURRENCY = 4;
/** A field must be present in this share of records before its m and u are judged. */
const JUDGED_PRESENCE = 0.05;
/** A prior saying each record has more duplicates than this is a model that lost its way. */
const MAX_DUPLICATES_PER_RECORD = 50;

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

/** A record probed for training: its keys, its candidates and the counts of its values. */
interface Probe {
  record: IndexedRecord;
  keys: string[];
  candidates: IndexedRecord[];
  counts: Map<string, number>;
}

/** What a training did: the model in force after it, and the one it trained and why it was kept out. */
export interface TrainingOutcome {
  model: MatchModel;
  trained: MatchModel;
  accepted: boolean;
  /** Why the trained model was rejected (see `judge`); empty when it was not. */
  reasons: string[];
}

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
  ): Promise<{ model: MatchModel; rematched: number; training: TrainingOutcome }> {
    // Re-keyed records become undecided, and are matched again below with their new keys.
    await this.rekeyStale();
    const training = await this.train();
    const { model } = training;
    let rematched = await this.rematchOlderThan(model.version);
    if (model.version > 0 && secondPassAfterMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, secondPassAfterMs));
      rematched += await this.rematchOlderThan(model.version);
    }
    return { model, rematched, training };
  }

  async train(): Promise<TrainingOutcome> {
    const { index, models, logger } = this.deps;
    const current = await models.latest();
    // Exact counts for the model's term frequencies, replacing the running ones.
    await index.terms.recount();
    const seed = current.version + 1;
    const [records, sample] = await Promise.all([index.size(), index.sample(SAMPLE_RECORDS, seed)]);
    // Random pairs drawn from the sample (a small store has fewer records than pairs
    // wanted), with a generator seeded by the version, so a training is repeatable.
    const pairsOfSample = randomPairs(sample, RANDOM_PAIRS, seed);
    const random = pairsOfSample.map(([a, b]) => compareValues(a.values, b.values));
    const presence: Partial<Record<MatchField, number>> = {};
    if (sample.length > 0)
      for (const f of MATCH_FIELDS)
        presence[f] = sample.filter((r) => r.values[f] !== undefined).length / sample.length;
    // The sample is in random order: its head is a uniform sample of records to probe.
    const probes = await this.probe(sample.slice(0, PROBE_RECORDS));
    const candidates = candidatePairs(probes);

    const learned = estimateModel(
      current,
      {
        candidates,
        random,
        deterministicPairs: candidates.filter((p) => knownMatch(p.vector)).length,
        records,
        presence,
      },
      seed,
    );
    // Each probe's term frequencies, as the matcher reads them: worked out once for both priors.
    const tfs = probes.map(({ record, counts }): TermFrequency => {
      const frequencies = index.terms.frequencies(record.values, counts, records, presence);
      return (field, value) => frequencies.get(termKey(field, value));
    });
    const first = { ...learned, prior: priorFrom(probes, tfs, learned, records) };
    // Random pairs hold a few true matches, which agree on what strangers rarely do: u
    // counted again without them (each pair weighted by its chance of not being one).
    const levels = decontaminatedU(first, random);
    const refined = { ...learned, levels };
    const model = { ...refined, prior: priorFrom(probes, tfs, refined, records) };
    const reasons = judge(model, pairsOfSample, random, records, this.deps.reviewThreshold);
    const summary = { version: model.version, prior: model.prior, ...model.trainedOn };
    if (reasons.length > 0) {
      logger.warn(
        { ...summary, reasons },
        `trained match model rejected (${reasons.join('; ')}); keeping the current one`,
      );
      return { model: current, trained: model, accepted: false, reasons };
    }
    if (!(await models.save(model))) {
      logger.info({ version: model.version }, 'another trainer stored this model version first');
      return { model: await models.latest(), trained: model, accepted: false, reasons: [] };
    }
    logger.info(summary, 'match model trained');
    return { model, trained: model, accepted: true, reasons: [] };
  }

  /**
   * Gives every record indexed with an older version of the blocking keys the keys made
   * now (see `BLOCKING_KEYS_VERSION`), a page at a time. Returns how many it re-keyed.
   */
  async rekeyStale(): Promise<number> {
    let rekeyed = 0;
    for (;;) {
      const page = await this.deps.index.rekey(BLOCKING_KEYS_VERSION, blockingKeys, REKEY_PAGE);
      if (page === 0) break;
      rekeyed += page;
    }
    if (rekeyed > 0)
      this.deps.logger.info(
        { rekeyed, keysVersion: BLOCKING_KEYS_VERSION },
        'match records re-keyed with the current blocking keys',
      );
    return rekeyed;
  }

  /** Each record's candidates, as the matcher reads them, and the counts of its values. */
  private async probe(records: IndexedRecord[]): Promise<Probe[]> {
    // Each probe lands at its record's place in the sample, whatever the look-ups' timing:
    // a training is repeatable.
    const probes = new Array<Probe>(records.length);
    let next = 0;
    const worker = async () => {
      while (next < records.length) {
        const i = next++;
        const record = records[i]!;
        const keys = blockingKeys(record.values);
        const { candidates, counts } = await this.deps.index.evidence(
          keys,
          record.recordId,
          record.values,
        );
        probes[i] = { record, keys, candidates, counts };
      }
    };
    await Promise.all(Array.from({ length: PROBE_CONCURRENCY }, worker));
    return probes;
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

/**
 * `count` pairs of distinct records from `sample`, chosen by a generator seeded with
 * `seed`; every pair once when the sample has no more than `count` of them (a small
 * store's pairs drawn at random would repeat, and count as evidence many times over).
 */
function randomPairs(
  sample: IndexedRecord[],
  count: number,
  seed: number,
): [IndexedRecord, IndexedRecord][] {
  const pairs: [IndexedRecord, IndexedRecord][] = [];
  if ((sample.length * (sample.length - 1)) / 2 <= count) {
    for (let i = 0; i < sample.length; i++)
      for (let j = i + 1; j < sample.length; j++) pairs.push([sample[i]!, sample[j]!]);
    return pairs;
  }
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
  while (pairs.length < count) {
    const i = Math.floor(next() * sample.length);
    const j = Math.floor(next() * sample.length);
    if (i !== j) pairs.push([sample[i]!, sample[j]!]);
  }
  return pairs;
}

/**
 * The prior under `model`'s m and u: each probe's candidates, weighed as the matcher weighs
 * them (`tfs`: each probe's term frequencies), are the evidence it is estimated from.
 */
function priorFrom(
  probes: Probe[],
  tfs: TermFrequency[],
  model: MatchModel,
  records: number,
): number {
  const evidenceOnly = { ...model, prior: 0.5 };
  const weights = probes.map(({ record, candidates }, i) =>
    Float64Array.from(candidates, (c) =>
      scoreTotal(evidenceOnly, record.values, c.values, tfs[i]!),
    ),
  );
  return estimatePrior(1 / Math.max(records, 2), weights, records);
}

/**
 * Candidate pairs of the probed records, each pair once, with the kinds of key its two
 * records share (a pair the look-up returned that shares none, from a re-keying still
 * under way, is left out: no kind says which fields to leave out of its EM).
 */
function candidatePairs(probes: Probe[]): CandidatePair[] {
  const pairs: CandidatePair[] = [];
  const seen = new Set<string>();
  for (const { record, keys, candidates } of probes) {
    const own = new Set(keys);
    for (const c of candidates) {
      const id =
        record.recordId < c.recordId
          ? `${record.recordId}\u0000${c.recordId}`
          : `${c.recordId}\u0000${record.recordId}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const kinds = [
        ...new Set(
          blockingKeys(c.values)
            .filter((k) => own.has(k))
            .map(kindOfKey),
        ),
      ];
      if (kinds.length > 0) pairs.push({ vector: compareValues(record.values, c.values), kinds });
    }
  }
  return pairs;
}

/**
 * Why a trained model must not be used; none when it may. Each reason names what was
 * measured and the bound it broke, so a rejection in the log says what to look at.
 */
export function judge(
  model: MatchModel,
  pairs: [IndexedRecord, IndexedRecord][],
  random: ComparisonVector[],
  records: number,
  reviewThreshold: number,
): string[] {
  const reasons: string[] = [];
  const flagged = flaggedShare(model, pairs, reviewThreshold);
  const knownAmongRandom = random.length > 0 ? random.filter(knownMatch).length / random.length : 0;
  const allowed = Math.max(MAX_RANDOM_PAIRS_FLAGGED, FLAGGED_PER_KNOWN_MATCH * knownAmongRandom);
  if (flagged > allowed)
    reasons.push(
      `it would flag ${percent(flagged)} of random pairs as matches (allowed: ${percent(allowed)})`,
    );
  for (const c of COMPARISONS) {
    const exact = model.levels[c.field][0]!;
    if ((model.presence?.[c.field] ?? 0) >= JUDGED_PRESENCE && exact.m <= exact.u)
      reasons.push(
        `an exact ${c.field} would count against a match (m ${exact.m.toPrecision(3)} ≤ u ${exact.u.toPrecision(3)})`,
      );
  }
  const duplicates = model.prior * (records - 1);
  if (duplicates > MAX_DUPLICATES_PER_RECORD)
    reasons.push(
      `its prior (${model.prior.toPrecision(3)}) gives each record ${duplicates.toFixed(0)} duplicates (allowed: ${MAX_DUPLICATES_PER_RECORD})`,
    );
  return reasons;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Share of random pairs the model scores at or above `threshold`. */
function flaggedShare(
  model: MatchModel,
  pairs: [IndexedRecord, IndexedRecord][],
  threshold: number,
): number {
  let flagged = 0;
  const cutoff = weightOf(threshold);
  for (const [a, b] of pairs) {
    // Frequencies are not at hand here; the level's own u is the cautious side of them.
    if (scoreTotal(model, a.values, b.values, () => undefined) >= cutoff) flagged++;
  }
  return pairs.length === 0 ? 0 : flagged / pairs.length;
}
