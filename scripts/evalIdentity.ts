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
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../src/config/env';
import type { CrmContactInput } from '../src/crm/crmContactService';
import { MosaicError } from '../src/errors';
import { blockingKeys } from '../src/matching/blockingKeys';
import type { IndexedRecord } from '../src/matching/matchIndex';
import { openScratchStack } from '../src/scratchStack';

interface Row {
  recId: string;
  fields: Record<string, string>;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function readRows(file: string): Row[] {
  const [header, ...body] = parseCsv(readFileSync(file, 'utf8'));
  if (!header?.includes('rec_id')) throw new Error(`${file}: no rec_id column in the header`);
  return body.map((cells) => {
    const fields = Object.fromEntries(header.map((h, i) => [h.trim(), (cells[i] ?? '').trim()]));
    return { recId: fields.rec_id!, fields };
  });
}

/** `rec-12-org`, `rec-12-dup-3` → `12`: the person. */
function personOf(recId: string): string {
  const m = /^rec-(\d+)-(org|dup)/.exec(recId);
  if (!m) throw new Error(`rec_id "${recId}" is not rec-<N>-org or rec-<N>-dup-<k>`);
  return m[1]!;
}

/** `YYYYMMDD` → `YYYY-MM-DD`, or undefined when it is not a date the API would accept. */
function birthDate(value: string | undefined): string | undefined {
  if (!value || !/^\d{8}$/.test(value)) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) return undefined;
  if (d.getUTCFullYear() < 1900 || d.getTime() > Date.now()) return undefined;
  return iso;
}

/** The row as a CRM would send it. The contact id is the row number, never the rec_id. */
function contactOf(row: Row, index: number): CrmContactInput {
  const f = row.fields;
  const opt = (v: string | undefined) => (v ? v : null);
  const line1 = [f.street_number, f.address_1].filter(Boolean).join(' ');
  return {
    crmId: `eval-${index}`,
    firstName: opt(f.given_name),
    lastName: opt(f.surname),
    birthDate: birthDate(f.date_of_birth) ?? null,
    address: {
      line1: opt(line1),
      line2: opt(f.address_2),
      city: opt(f.suburb),
      region: opt(f.state),
      postalCode: opt(f.postcode),
    },
    emails: f.email ? [f.email] : null,
    phones: f.phone ? [f.phone] : null,
    attributes: f.soc_sec_id ? { nationalId: f.soc_sec_id } : null,
  };
}

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
        await services.matching.trainer.trainAndRematch(0);
        trainings++;
      }
    }
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
    const precision = predictedPairs === 0 ? 1 : correct / predictedPairs;
    const recall = truePairs === 0 ? 1 : correct / truePairs;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    const model = services.matching ? await services.matching.models.latest() : null;
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
        prior: model ? round(model.prior) : null,
        droppedFields: dropped,
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
