/**
 * `npm run eval:identity -- FILE.csv`: identity-resolution accuracy on a CSV in the FEBRL
 * layout. Every row goes, one at a time, through the real path a CRM contact takes
 * (validation, deterministic resolution, probabilistic matching, the store, the model's
 * training when the store has grown enough) in a fresh database and PostgreSQL schema;
 * then the profiles are compared with the truth in `rec_id`, which matching never sees.
 *
 * Prints diagnostics first and, last, one JSON line:
 * {"records","truePairs","predictedPairs","precision","recall","f1","seconds"}.
 * MOSAIC_MATCHING=off measures deterministic resolution alone.
 */
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../src/config/env';
import { MosaicError } from '../src/errors';
import { blockingKeys } from '../src/matching/blockingKeys';
import type { IndexedRecord } from '../src/matching/matchIndex';
import type { Matcher } from '../src/matching/matcher';
import type { IdentityGraphStore } from '../src/store/identityGraphStore';
import { openScratchStack } from '../src/scratchStack';
import { contactOf, personOf, readRows } from './eval/febrlCsv';

function pairsWithin(groups: Iterable<number[]>): number {
  let n = 0;
  for (const g of groups) n += (g.length * (g.length - 1)) / 2;
  return n;
}

function groupBy<T>(items: T[], key: (t: T, i: number) => string): Map<string, number[]> {
  const m = new Map<string, number[]>();
  items.forEach((t, i) => {
    const k = key(t, i);
    m.set(k, [...(m.get(k) ?? []), i]);
  });
  return m;
}

/**
 * Why true pairs ended in different profiles, by the pair of profiles they ended in (up to
 * `MISSED_SAMPLE` of them): their records shared no blocking key, or the best pair of
 * records across the two scored below the review threshold, in the review band, or at
 * the merge threshold (a rejection, or a merge still to come). EVAL_MISSED=N prints the
 * best pair of N of those that shared a key, on stderr.
 */
const MISSED_SAMPLE = 500;

async function missedPairs(
  matcher: Matcher,
  truth: Map<string, number[]>,
  clusterOf: string[],
  homes: string[],
  keys: Set<string>[],
  /** How many of the missed pairs that shared a key to print (EVAL_MISSED). */
  show = 0,
): Promise<Record<string, number>> {
  const splits = new Map<string, { a: string; b: string; blocked: boolean }>();
  for (const members of truth.values())
    for (const x of members)
      for (const y of members) {
        const [a, b] = [clusterOf[x]!, clusterOf[y]!];
        if (a >= b) continue;
        const split = splits.get(`${a} ${b}`) ?? { a, b, blocked: false };
        split.blocked ||= [...keys[x]!].some((k) => keys[y]!.has(k));
        splits.set(`${a} ${b}`, split);
      }
  const profilesOf = new Map<string, Set<string>>();
  clusterOf.forEach((c, i) => profilesOf.set(c, (profilesOf.get(c) ?? new Set()).add(homes[i]!)));
  const { merge, review } = matcher.thresholds;
  const counts: Record<string, number> = { splits: splits.size };
  for (const split of [...splits.values()].slice(0, MISSED_SAMPLE)) {
    let bucket = 'no shared key';
    if (split.blocked) {
      const best = await matcher.bestPair(
        [...profilesOf.get(split.a)!],
        [...profilesOf.get(split.b)!],
      );
      const p = best?.score.probability ?? 0;
      bucket = p >= merge ? 'at merge' : p >= review ? 'review band' : 'below review';
      if (best !== null && show-- > 0) process.stderr.write(`missed ${bucket} ${describe(best)}\n`);
    }
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return counts;
}

/**
 * With EVAL_EXAMPLES=N, up to N profiles that hold two people, each shown by the best pair
 * of records across the two (their values and the score's strongest fields), on stderr.
 */
async function showWrongMerges(
  matcher: Matcher,
  store: IdentityGraphStore,
  count: number,
  personOfRow: string[],
  clusterOf: string[],
  homes: string[],
): Promise<void> {
  const people = new Map<string, Map<string, Set<string>>>(); // cluster → person → profiles
  clusterOf.forEach((c, i) => {
    const byPerson = people.get(c) ?? new Map<string, Set<string>>();
    byPerson.set(personOfRow[i]!, (byPerson.get(personOfRow[i]!) ?? new Set()).add(homes[i]!));
    people.set(c, byPerson);
  });
  let shown = 0;
  for (const byPerson of people.values()) {
    if (byPerson.size < 2 || shown >= count) continue;
    const [a, b] = [...byPerson.values()] as [Set<string>, Set<string>];
    shown++;
    // A profile holding both people's records from arrival: an identifier linked them.
    if ([...a].some((p) => b.has(p))) {
      process.stderr.write(
        `wrong merge by a shared identifier, profile ${[...a].find((p) => b.has(p))}\n`,
      );
      continue;
    }
    const best = await matcher.bestPair([...a], [...b]);
    if (best !== null) process.stderr.write(`wrong merge ${describe(best)}\n`);
    // The merges that joined the two people, as their log explains them (each record's
    // person read back from its row number in `crm:eval-N`).
    const personOfRecord = (id: string | undefined) =>
      id === undefined ? undefined : personOfRow[Number(id.replace('crm:eval-', ''))];
    const pointers = await store.getMergePointers([...a, ...b]);
    for (const pointer of pointers.values()) {
      const { match } = pointer;
      if (match && personOfRecord(match.recordId) !== personOfRecord(match.otherRecordId))
        process.stderr.write(`  joined by: ${pointer.explanation}\n`);
    }
  }
}

/** A best pair across two profiles: its probability, both records' values, its weights. */
function describe(best: NonNullable<Awaited<ReturnType<Matcher['bestPair']>>>): string {
  const fields = best.score.fields
    .filter((f) => f.weight !== 0)
    .map((f) => `${f.field} ${f.level} ${f.weight.toFixed(1)}`);
  return (
    `p=${best.score.probability.toFixed(4)} prior ${best.score.priorWeight.toFixed(1)}: ` +
    `${JSON.stringify(best.a.values)} ~ ${JSON.stringify(best.b.values)}: ${fields.join(', ')}`
  );
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run eval:identity -- FILE.csv');
    process.exit(2);
  }
  const rows = readRows(file);
  const config = loadConfig(process.env);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  let trainingDue = false;
  const stack = await openScratchStack(config, logger, {
    label: 'eval',
    keep: process.env.EVAL_KEEP === '1',
    // Where the gateway queues a training job for the workers, the evaluation trains
    // inline, at the same moments (the store doubling), with the same code.
    onTrainingDue: () => void (trainingDue = true),
  });
  const { services, store } = stack;

  const started = Date.now();
  let dropped = 0;
  let trainings = 0;
  let lastTraining: { version: number; accepted: boolean; reasons: string[] } | null = null;
  try {
    for (const [i, row] of rows.entries()) {
      const contact = contactOf(row, i);
      for (;;) {
        try {
          await services.crmContacts.upsert(contact);
          break;
        } catch (err) {
          // A field the API refuses (an invalid email, say) is dropped, as a CRM sync
          // would have to; the rest of the row still goes in.
          if (!(err instanceof MosaicError) || err.field === undefined) throw err;
          const field = err.field.replace(/^input\./, '').replace(/\[\d+\]$/, '');
          if (!(field in contact) || field === 'crmId') throw err;
          (contact as unknown as Record<string, unknown>)[field] = null;
          dropped++;
        }
      }
      if (trainingDue && services.matching) {
        trainingDue = false;
        // One process: its matcher shares the trainer's model store, so no record was
        // decided with the old model after the new one was stored; no second pass needed.
        const { training } = await services.matching.trainer.trainAndRematch(0);
        const { trained, accepted, reasons } = training;
        lastTraining = { version: trained.version, accepted, reasons };
        trainings++;
        // As the identity worker does after a training's rematch.
        await services.matching.settle();
      }
    }
    // The worker's scheduled settling, once the import is in.
    const settled = services.matching ? await services.matching.settle() : null;
    const seconds = (Date.now() - started) / 1000;

    const recordIds = rows.map((_, i) => `crm:eval-${i}`);
    const records = await store.getRecords(recordIds);
    const homes = recordIds.map((id) => records.get(id)!.profileId);
    const roots = await services.graph.rootsOf([...new Set(homes)]);
    const clusterOf = homes.map((h) => roots.get(h)!);

    const truth = groupBy(rows, (r) => personOf(r.recId));
    const predicted = groupBy(clusterOf, (c) => c);
    const truePairs = pairsWithin(truth.values());
    const predictedPairs = pairsWithin(predicted.values());
    let correct = 0;
    let blocked = 0;
    // Blocking keys of each record as indexed (none for a record with too few fields to
    // be matched, or when matching is off).
    const indexed =
      (await services.matching?.index.getMany(recordIds)) ?? new Map<string, IndexedRecord>();
    const keys = recordIds.map((id) => {
      const record = indexed.get(id);
      return new Set(record ? blockingKeys(record.values) : []);
    });
    for (const members of truth.values()) {
      for (let a = 0; a < members.length; a++) {
        for (let b = a + 1; b < members.length; b++) {
          const [x, y] = [members[a]!, members[b]!];
          if (clusterOf[x] === clusterOf[y]) correct++;
          if ([...keys[x]!].some((k) => keys[y]!.has(k))) blocked++;
        }
      }
    }
    const missed = services.matching
      ? await missedPairs(
          services.matching.matcher,
          truth,
          clusterOf,
          homes,
          keys,
          Number(process.env.EVAL_MISSED ?? 0),
        )
      : null;
    const examples = Number(process.env.EVAL_EXAMPLES ?? 0);
    if (services.matching && examples > 0)
      await showWrongMerges(
        services.matching.matcher,
        store,
        examples,
        rows.map((r) => personOf(r.recId)),
        clusterOf,
        homes,
      );
    const precision = predictedPairs === 0 ? 1 : correct / predictedPairs;
    const recall = truePairs === 0 ? 1 : correct / truePairs;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    const model = services.matching ? await services.matching.models.latest() : null;
    // The trained model, for `npm run eval:ceiling` to replay the same pairs with it.
    if (model && process.env.EVAL_MODEL_OUT)
      writeFileSync(process.env.EVAL_MODEL_OUT, JSON.stringify(model, null, 2));
    const reviews = services.matching
      ? await services.matching.reviews.listOpen(null, 100_000)
      : [];
    const round = (x: number) => Math.round(x * 10_000) / 10_000;
    console.log(
      JSON.stringify({
        diagnostics: true,
        file,
        matching: services.matching !== null,
        blockingRecall: services.matching ? round(truePairs === 0 ? 1 : blocked / truePairs) : null,
        openReviews: reviews.length,
        modelVersion: model?.version ?? null,
        trainings,
        prior: model ? Number(model.prior.toPrecision(3)) : null,
        lastTraining,
        settled,
        droppedFields: dropped,
        missed,
        recordsPerSecond: Math.round(rows.length / seconds),
      }),
    );
    console.log(
      JSON.stringify({
        records: rows.length,
        truePairs,
        predictedPairs,
        precision: round(precision),
        recall: round(recall),
        f1: round(f1),
        seconds: Math.round(seconds * 10) / 10,
      }),
    );
  } finally {
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
