import type { Logger } from 'pino';
import { compareValues, type ComparisonVector } from './comparisons';
import { estimateModel } from './estimate';
import type { MatchIndex } from './matchIndex';
import type { MatchModel } from './matchModel';
import type { Matcher } from './matcher';
import type { ModelStore } from './modelStore';

/** Blocks sampled for EM, and the cap on candidate pairs drawn from them. */
const SAMPLED_BLOCKS = 20_000;
const MAX_CANDIDATE_PAIRS = 50_000;
/** Random pairs for u: enough that a one-in-a-thousand agreement is seen a few dozen times. */
const RANDOM_PAIRS = 20_000;
const REMATCH_PAGE = 500;
const REMATCH_CONCURRENCY = 4;

/** Comparisons that, on exact agreement, link records deterministically. */
const DETERMINISTIC = (v: ComparisonVector): boolean =>
  v[10] === 0 || v[11] === 0 || v[3] === 0 || (v[0] === 0 && v[1] === 0 && v[2] === 0);

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
    },
  ) {}

  async trainAndRematch(): Promise<{ model: MatchModel; rematched: number }> {
    const model = await this.train();
    const rematched = await this.rematchOlderThan(model.version);
    return { model, rematched };
  }

  async train(): Promise<MatchModel> {
    const { index, models, logger } = this.deps;
    const current = await models.latest();
    const [records, blocks, sample] = await Promise.all([
      index.size(),
      index.sampleBlocks(SAMPLED_BLOCKS),
      index.sample(2 * RANDOM_PAIRS),
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
    const random: ComparisonVector[] = [];
    for (let i = 0; i + 1 < sample.length; i += 2)
      random.push(compareValues(sample[i]!.values, sample[i + 1]!.values));
    const deterministic = candidates.filter(DETERMINISTIC).length;

    const model = estimateModel(
      current,
      {
        candidates,
        random,
        deterministicShare: candidates.length > 0 ? deterministic / candidates.length : 0,
        records,
      },
      current.version + 1,
    );
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
