import type { Collection } from 'mongodb';
import type { AppendLog } from '../appendLog';
import type { LogEntryDoc, LogTailDoc } from '../models';
import { isDuplicateKey } from './errors';

/** Parallel look-ups per round trip burst when reading a long stretch of a log. */
const READ_CHUNK = 32;
/** Appends give up after this many taken slots in a row: a sign of a runaway writer. */
const MAX_APPEND_ATTEMPTS = 10_000;

/**
 * AppendLog over two collections: entries keyed `<log>#<seq>`, and a per-log tail hint
 * so appenders and readers start near the end instead of at slot 0. The hint is written
 * after the slot, with a plain replace that may lag behind concurrent appenders; readers
 * and appenders always probe forward from it, so a lagging hint costs a look-up, never
 * correctness.
 */
export class MongoAppendLog<T> implements AppendLog<T> {
  constructor(
    private readonly entries: Collection<LogEntryDoc<T>>,
    private readonly tails: Collection<LogTailDoc>,
  ) {}

  async append(log: string, data: T, knownLength?: number): Promise<number> {
    let seq = knownLength ?? (await this.hint(log));
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++, seq++) {
      try {
        await this.entries.insertOne({
          _id: slotId(log, seq),
          log,
          seq,
          data,
          at: new Date(),
        });
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
      // The hint only saves later readers look-ups; nobody needs to wait for it.
      this.setHint(log, seq + 1).catch(() => undefined);
      return seq;
    }
    throw new Error(`Could not append to log ${log}: ${MAX_APPEND_ATTEMPTS} slots taken in a row`);
  }

  async readFrom(log: string, from: number) {
    // Usually nothing or little is new: look at the hint and the first slot together.
    const [hint, firstDoc] = await Promise.all([
      this.hint(log),
      this.entries.findOne({ _id: slotId(log, from) }),
    ]);
    if (firstDoc === null) return { entries: [], length: from };
    const entries = [{ seq: from, data: firstDoc.data, at: firstDoc.at }];
    const known: number[] = [];
    for (let seq = from + 1; seq < hint; seq++) known.push(seq);
    entries.push(...(await this.fetch(log, known)));
    let seq = Math.max(from + 1, hint);
    for (;;) {
      const doc = await this.entries.findOne({ _id: slotId(log, seq) });
      if (doc === null) break;
      entries.push({ seq, data: doc.data, at: doc.at });
      seq++;
    }
    if (seq > hint + 1) this.setHint(log, seq).catch(() => undefined);
    return { entries, length: seq };
  }

  async readRange(log: string, from: number, count: number) {
    const out: { seq: number; data: T; at: Date }[] = [];
    for (let start = from; out.length < count; start += READ_CHUNK) {
      const seqs = Array.from(
        { length: Math.min(READ_CHUNK, count - out.length) },
        (_, i) => start + i,
      );
      const docs = await Promise.all(
        seqs.map((seq) => this.entries.findOne({ _id: slotId(log, seq) })),
      );
      for (const doc of docs) {
        if (doc === null) return out; // the end of the log: there are no gaps
        out.push({ seq: doc.seq, data: doc.data, at: doc.at });
      }
    }
    return out;
  }

  async length(log: string): Promise<number> {
    let length = await this.hint(log);
    while (await this.has(log, length)) length++;
    return length;
  }

  async readLast(log: string, count: number) {
    const length = await this.length(log);
    const wanted: number[] = [];
    for (let seq = Math.max(0, length - count); seq < length; seq++) wanted.push(seq);
    return this.fetch(log, wanted);
  }

  async has(log: string, seq: number): Promise<boolean> {
    return (
      (await this.entries.findOne({ _id: slotId(log, seq) }, { projection: { _id: 1 } })) !== null
    );
  }

  private async fetch(log: string, seqs: number[]) {
    const out: { seq: number; data: T; at: Date }[] = [];
    for (let i = 0; i < seqs.length; i += READ_CHUNK) {
      const chunk = seqs.slice(i, i + READ_CHUNK);
      const docs = await Promise.all(
        chunk.map((seq) => this.entries.findOne({ _id: slotId(log, seq) })),
      );
      docs.forEach((doc, j) => {
        // Slots below the hint always exist: the hint is written after its slot.
        if (doc === null)
          throw new Error(`Log ${log} is missing slot ${chunk[j]} below its tail hint`);
        out.push({ seq: doc.seq, data: doc.data, at: doc.at });
      });
    }
    return out;
  }

  private async hint(log: string): Promise<number> {
    return (await this.tails.findOne({ _id: log }))?.length ?? 0;
  }

  private async setHint(log: string, length: number): Promise<void> {
    try {
      await this.tails.replaceOne({ _id: log }, { length }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a concurrent first write created it: fine
    }
  }
}

const slotId = (log: string, seq: number): string => `${log}#${seq}`;
