import type { Logger } from 'pino';
import { COMPARISONS } from './comparisons';
import type { MatchField, MatchValues } from './matchFields';

/** Fields whose exact agreements are weighed by how common the value is. */
export const TERM_FREQUENCY_FIELDS: readonly MatchField[] = COMPARISONS.filter(
  (c) => c.termFrequency,
).map((c) => c.field);
const FLUSH_MS = 500;
const FLUSH_AT = 2_000;
/** Below this many records with a field, frequencies are too noisy to weigh by: the model's u is used. */
const MIN_TERM_SAMPLE = 50;

/** A change to one value's count. */
export interface TermCountChange {
  field: string;
  value: string;
  by: number;
}

/** The written counts, beside the matching index (`store/postgres`). */
export interface StoredTermCounts {
  /** Adds every change to its count in one write, in the order given. */
  add(changes: TermCountChange[]): Promise<void>;
  /** Replaces every count of `fields` by an exact count of the indexed records, atomically. */
  recount(fields: readonly MatchField[]): Promise<void>;
  /** The counts of `terms` (see `TermCounts.terms`), keyed by `termKey`; absent ones left out. */
  read(terms: { fields: MatchField[]; values: string[] }): Promise<Map<string, number>>;
}

/**
 * How many records hold each value of the term-frequency fields. A statistic, not a
 * record of truth: writers add their changes to an in-process buffer flushed twice a
 * second in one statement (a common city's row, updated by every writer, would otherwise
 * queue them all behind one row lock), and every training recounts exactly from the
 * index, so drift from a process that died with unflushed changes lasts until then.
 */
export class TermCounts {
  private pending = new Map<string, number>();
  /** The batch being written: counted by this process until the write is done. */
  private inFlight = new Map<string, number>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly written: StoredTermCounts,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  add(values: MatchValues, by: 1 | -1): void {
    for (const field of TERM_FREQUENCY_FIELDS) {
      const value = values[field];
      if (value === undefined) continue;
      const key = termKey(field, value);
      this.pending.set(key, (this.pending.get(key) ?? 0) + by);
    }
    if (this.pending.size >= FLUSH_AT) void this.flush();
  }

  /** Writes what is buffered; on failure the changes go back to the buffer for the next try. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      this.inFlight = batch;
      // Sorted, so concurrent flushers (other processes) lock rows in the same order.
      const rows = [...batch].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
      try {
        await this.written.add(
          rows.map(([k, by]) => {
            const [field, value] = k.split('\u0000') as [string, string];
            return { field, value, by };
          }),
        );
      } catch (err) {
        for (const [k, n] of batch) this.pending.set(k, (this.pending.get(k) ?? 0) + n);
        this.logger.warn({ err, values: batch.size }, 'could not write term counts; will retry');
      } finally {
        this.inFlight = new Map();
      }
    });
    return this.flushing;
  }

  /** Recounts every value from the index, replacing the running counts (training does this). */
  async recount(): Promise<void> {
    await this.flush();
    await this.written.recount(TERM_FREQUENCY_FIELDS);
  }

  /** The record's values whose frequency matters: the term-frequency fields it has. */
  static terms(values: MatchValues): { fields: MatchField[]; values: string[] } {
    const fields = TERM_FREQUENCY_FIELDS.filter((f) => values[f] !== undefined);
    return { fields, values: fields.map((f) => values[f]!) };
  }

  /** The stored counts of `terms` (see `TermCounts.terms`), keyed `field\0value`. */
  async stored(terms: { fields: MatchField[]; values: string[] }): Promise<Map<string, number>> {
    if (terms.fields.length === 0) return new Map();
    return this.written.read(terms);
  }

  /**
   * The share of records holding each of the record's values: its count over the number
   * of records with the field (`population` records, `presence` of them with the field).
   * `stored` are the counts as written (read with `stored`, or with the candidates in one
   * statement); this process's own unwritten changes are added, so what it just indexed
   * counts at once, whenever the buffer happens to be written.
   */
  frequencies(
    values: MatchValues,
    stored: Map<string, number>,
    population: number,
    presence: Partial<Record<MatchField, number>>,
  ): Map<string, number> {
    const out = new Map<string, number>();
    for (const field of TERM_FREQUENCY_FIELDS) {
      if (values[field] === undefined) continue;
      const key = termKey(field, values[field]);
      const n =
        (stored.get(key) ?? 0) + (this.pending.get(key) ?? 0) + (this.inFlight.get(key) ?? 0);
      const having = population * (presence[field] ?? 1);
      if (having >= MIN_TERM_SAMPLE && n > 0) out.set(key, Math.min(1, n / having));
    }
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

export function termKey(field: string, value: string): string {
  return `${field}\u0000${value}`;
}
