import { LRUCache } from 'lru-cache';
import type { Collection } from 'mongodb';
import type { AppendLog } from '../appendLog';
import type { LogEntryDoc, LogTailDoc } from '../models';
import { PER_KEY_LOOKUPS, type StoreCapabilities } from './capabilities';
import { duplicateInserts, isDuplicateKey } from './errors';

/** Parallel look-ups per round trip burst when reading a long stretch of a log. */
const READ_CHUNK = 32;
/**
 * The tail hint is rewritten only when a log's length crosses a multiple of this: on
 * FerretDB every hint write is a locked read-modify-write, and writing one per append
 * cost more than the appends themselves. Readers probe past the hint a window at a time,
 * so a hint at most a stride behind costs them one parallel round trip.
 */
const HINT_STRIDE = 32;
/** A reader that finds the hint this far behind brings it up to date. */
const READER_HINT_LAG = 16;
/** Entries past the hint read whole in the first round trip of a tail read. */
const PROBE_WINDOW = 8;
/** Offsets probed at once while galloping towards a log's end: 1, 2, 4 … 1024. */
const GALLOP = Array.from({ length: 11 }, (_, i) => 2 ** i);
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
  /**
   * Lengths this process has seen, per log: a lower bound forever (logs only grow), so a
   * reader can start at it and confirm the end with one look-up instead of reading the
   * stored hint and probing a window past it. Anything that ever deletes log entries
   * (a privacy erase) must forget them here too.
   */
  private readonly seen = new LRUCache<string, number>({ max: 200_000 });

  constructor(
    private readonly entries: Collection<LogEntryDoc<T>>,
    private readonly tails: Collection<LogTailDoc>,
    /** Whether slots are read as one `$in` query per burst (MongoDB) or one by one. */
    private readonly capabilities: StoreCapabilities = PER_KEY_LOOKUPS,
  ) {}

  async append(log: string, data: T, knownLength?: number, at = new Date()): Promise<number> {
    // The larger of two lower bounds: a caller's may be older than what this process saw.
    const seen = this.seen.get(log);
    let seq =
      knownLength === undefined && seen === undefined
        ? await this.hint(log)
        : Math.max(knownLength ?? 0, seen ?? 0);
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++, seq++) {
      try {
        await this.entries.insertOne({
          _id: slotId(log, seq),
          log,
          seq,
          data,
          at,
        });
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
      // The hint only saves later readers look-ups; nobody needs to wait for it.
      this.advanceHint(log, seq, seq + 1);
      this.remember(log, seq + 1);
      return seq;
    }
    throw new Error(`Could not append to log ${log}: ${MAX_APPEND_ATTEMPTS} slots taken in a row`);
  }

  knownLength(log: string): number | undefined {
    return this.seen.get(log);
  }

  noteLength(log: string, length: number): void {
    this.remember(log, length);
  }

  forget(logs: string[]): void {
    for (const log of logs) this.seen.delete(log);
  }

  async appendMany(items: { log: string; data: T }[], at = new Date()) {
    const logs = [...new Set(items.map((i) => i.log))];
    const next = new Map<string, number>();
    const unknown: string[] = [];
    for (const log of logs) {
      const seen = this.seen.get(log);
      if (seen === undefined) unknown.push(log);
      else next.set(log, seen);
    }
    const looked = await Promise.all(unknown.map((l) => this.length(l)));
    unknown.forEach((l, i) => next.set(l, looked[i]!));
    const lengths = new Map(logs.map((l) => [l, next.get(l)!]));
    const knownBefore = new Map(lengths);

    // Each log's entries go to the slots after its known end. A slot taken meanwhile by
    // another writer is simply skipped (it exists, so the log has no gap) and that entry
    // is appended again after the end.
    const docs: LogEntryDoc<T>[] = items.map(({ log, data }) => {
      const seq = next.get(log)!;
      next.set(log, seq + 1);
      return { _id: slotId(log, seq), log, seq, data, at };
    });
    let retry: { log: string; data: T }[] = [];
    try {
      await this.entries.insertMany(docs, { ordered: false });
    } catch (err) {
      const taken = duplicateInserts(err, docs.length);
      if (taken === null) throw err;
      retry = taken.map((i) => items[i]!);
    }
    for (const log of logs) lengths.set(log, next.get(log)!);
    // Another writer got there first: start again from the log's real end, not from a
    // possibly far-behind known length.
    const fresh = new Map<string, number>();
    for (const { log, data } of retry) {
      if (!fresh.has(log)) fresh.set(log, await this.length(log));
      const seq = await this.append(log, data, fresh.get(log), at);
      fresh.set(log, seq + 1);
      lengths.set(log, Math.max(lengths.get(log)!, seq + 1));
    }
    // Hints only save readers look-ups; a failed or lagging update costs nothing else.
    for (const [log, length] of lengths) {
      this.advanceHint(log, knownBefore.get(log)!, length);
      this.remember(log, length);
    }
    return lengths;
  }

  async readFrom(log: string, from: number) {
    if (this.capabilities.rangeScans) return this.scanFrom(log, from);
    const seen = this.seen.get(log);
    if (seen !== undefined && seen > from && seen - from <= READ_CHUNK)
      return this.readUpTo(log, from, seen);
    // Usually nothing or little is new: look at the hint and the first slot together.
    const [hint, firstDoc] = await Promise.all([
      this.hint(log),
      this.entries.findOne({ _id: slotId(log, from) }),
    ]);
    if (firstDoc === null) return { entries: [], length: from };
    const end = await this.findEnd(log, Math.max(from + 1, hint));
    const rest: number[] = [];
    for (let seq = from + 1; seq < end; seq++) rest.push(seq);
    const entries = [
      { seq: from, data: firstDoc.data, at: firstDoc.at },
      ...(await this.fetch(log, rest)),
    ];
    if (end >= hint + READER_HINT_LAG) this.setHint(log, end).catch(() => undefined);
    this.remember(log, end);
    return { entries, length: end };
  }

  async readKnown(log: string, from: number) {
    // One indexed find reads to the end: nothing to save by stopping at the known length.
    if (this.capabilities.rangeScans) return this.scanFrom(log, from);
    const seen = this.seen.get(log);
    if (seen === undefined || seen - from > READ_CHUNK) return this.readFrom(log, from);
    if (seen <= from) return { entries: [], length: from };
    const docs = await Promise.all(
      Array.from({ length: seen - from }, (_, i) =>
        this.entries.findOne({ _id: slotId(log, from + i) }),
      ),
    );
    const entries: { seq: number; data: T; at: Date }[] = [];
    for (const doc of docs) {
      if (doc === null) break; // erased meanwhile: the log ends here now
      entries.push({ seq: doc.seq, data: doc.data, at: doc.at });
    }
    return { entries, length: from + entries.length };
  }

  /**
   * `readFrom` when this process knows the log reaches at least `expected` (it appended
   * or read that far): the slots up to there and the next one, in one round trip,
   * instead of reading the hint first. The guess is checked, not trusted: a slot missing
   * in the range (the log was erased) ends the read there.
   */
  private async readUpTo(log: string, from: number, expected: number) {
    const seqs = Array.from({ length: expected - from + 1 }, (_, i) => from + i);
    const docs = await Promise.all(
      seqs.map((seq) => this.entries.findOne({ _id: slotId(log, seq) })),
    );
    const entries: { seq: number; data: T; at: Date }[] = [];
    for (const doc of docs) {
      if (doc === null) return { entries, length: from + entries.length };
      entries.push({ seq: doc.seq, data: doc.data, at: doc.at });
    }
    // Even the slot at the expected end exists: the log grew further.
    const end = await this.findEnd(log, expected + 1);
    const rest: number[] = [];
    for (let seq = expected + 1; seq < end; seq++) rest.push(seq);
    entries.push(...(await this.fetch(log, rest)));
    this.remember(log, end);
    return { entries, length: end };
  }

  async readRange(log: string, from: number, count: number) {
    if (this.capabilities.rangeScans)
      return contiguousFrom(from, await this.scan(log, { $gte: from, $lt: from + count }, 1));
    const out: { seq: number; data: T; at: Date }[] = [];
    for (let start = from; out.length < count; start += READ_CHUNK) {
      const seqs = Array.from(
        { length: Math.min(READ_CHUNK, count - out.length) },
        (_, i) => start + i,
      );
      const docs = await this.slots(log, seqs);
      for (const doc of docs) {
        if (doc === null) return out; // the end of the log: there are no gaps
        out.push({ seq: doc.seq, data: doc.data, at: doc.at });
      }
    }
    return out;
  }

  async length(log: string): Promise<number> {
    if (this.capabilities.rangeScans) return (await this.scanTail(log, 0)).length;
    const length = await this.findEnd(log, this.seen.get(log) ?? (await this.hint(log)));
    this.remember(log, length);
    return length;
  }

  /**
   * The log's length, given a lower bound: probes ahead at doubling offsets in one round
   * trip, then narrows down by bisection, so a hint far behind costs a few round trips,
   * not one per missing entry. Relies on logs having no gaps.
   */
  private async findEnd(log: string, atLeast: number): Promise<number> {
    // Most logs have not grown since: one look-up says so.
    if (!(await this.has(log, atLeast))) return atLeast;
    let lo = atLeast; // the last slot known to exist
    let hi: number | null = null; // the first slot known to be missing
    while (hi === null) {
      const probes = GALLOP.map((k) => lo + k);
      const present = await Promise.all(probes.map((seq) => this.has(log, seq)));
      const firstMissing = present.indexOf(false);
      if (firstMissing === -1) {
        lo = probes.at(-1)!;
        continue;
      }
      if (firstMissing > 0) lo = probes[firstMissing - 1]!;
      hi = probes[firstMissing]!;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.has(log, mid)) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  async readLast(log: string, count: number) {
    return (await this.readTail(log, count)).entries.slice(-count);
  }

  async readTail(log: string, count: number) {
    if (this.capabilities.rangeScans) return this.scanTail(log, count);
    const seen = this.seen.get(log);
    if (seen !== undefined) {
      const length = await this.length(log);
      const wanted: number[] = [];
      for (let seq = Math.max(0, length - count); seq < length; seq++) wanted.push(seq);
      return { length, entries: await this.fetch(log, wanted) };
    }
    // Entries past the hint are read whole while looking for the end: for the short
    // logs most profiles have, that one round trip is the whole answer.
    const hint = await this.hint(log);
    const window = Array.from({ length: PROBE_WINDOW }, (_, i) => hint + i);
    const docs = await this.slots(log, window);
    const newest: { seq: number; data: T; at: Date }[] = [];
    for (const doc of docs) {
      if (doc === null) break;
      newest.push({ seq: doc.seq, data: doc.data, at: doc.at });
    }
    let length = hint + newest.length;
    if (newest.length === PROBE_WINDOW) length = await this.findEnd(log, length);
    if (length >= hint + READER_HINT_LAG) this.setHint(log, length).catch(() => undefined);
    // The last `count` entries, contiguous: what the window did not already read is fetched.
    const start = Math.max(0, length - count);
    const have = new Set(newest.map((e) => e.seq));
    const wanted: number[] = [];
    for (let seq = start; seq < length; seq++) if (!have.has(seq)) wanted.push(seq);
    const entries = [...(await this.fetch(log, wanted)), ...newest.filter((e) => e.seq >= start)];
    this.remember(log, length);
    return { length, entries: entries.sort((a, b) => a.seq - b.seq) };
  }

  async has(log: string, seq: number): Promise<boolean> {
    const found =
      (await this.entries.findOne({ _id: slotId(log, seq) }, { projection: { _id: 1 } })) !== null;
    // A slot that exists is a length this process now knows.
    if (found) this.remember(log, seq + 1);
    return found;
  }

  private async fetch(log: string, seqs: number[]) {
    const out: { seq: number; data: T; at: Date }[] = [];
    for (let i = 0; i < seqs.length; i += READ_CHUNK) {
      const chunk = seqs.slice(i, i + READ_CHUNK);
      const docs = await this.slots(log, chunk);
      docs.forEach((doc, j) => {
        // Slots below the hint always exist: the hint is written after its slot.
        if (doc === null)
          throw new Error(`Log ${log} is missing slot ${chunk[j]} below its tail hint`);
        out.push({ seq: doc.seq, data: doc.data, at: doc.at });
      });
    }
    return out;
  }

  /**
   * The documents of the given slots, in their order (null where a slot is free): one
   * `$in` query where the server plans it (MongoDB), else one look-up per slot at once.
   */
  private async slots(log: string, seqs: number[]): Promise<(LogEntryDoc<T> | null)[]> {
    if (!this.capabilities.batchedIdLookups || seqs.length < 2)
      return Promise.all(seqs.map((seq) => this.entries.findOne({ _id: slotId(log, seq) })));
    const ids = seqs.map((seq) => slotId(log, seq));
    const found = new Map<string, LogEntryDoc<T>>();
    for (const doc of await this.entries.find({ _id: { $in: ids } } as never).toArray())
      found.set(doc._id, doc);
    return ids.map((id) => found.get(id) ?? null);
  }

  /**
   * The log's entries with `seq` in `range`, by `seq` in `order`, at most `limit`: one
   * find on the `{log, seq}` index (MongoDB's path, `StoreCapabilities.rangeScans`).
   */
  private async scan(
    log: string,
    range: { $gte?: number; $lt?: number },
    order: 1 | -1,
    limit = 0,
  ): Promise<{ seq: number; data: T; at: Date }[]> {
    const filter = Object.keys(range).length === 0 ? { log } : { log, seq: range };
    const docs = await this.entries
      .find(filter as never, { sort: { seq: order }, limit })
      .toArray();
    return docs.map((d) => ({ seq: d.seq, data: d.data, at: d.at }));
  }

  private async scanFrom(log: string, from: number) {
    const entries = contiguousFrom(from, await this.scan(log, { $gte: from }, 1));
    const length = from + entries.length;
    this.remember(log, length);
    return { entries, length };
  }

  /** The newest `count` entries and the length, from one find: no gaps, so last seq + 1. */
  private async scanTail(log: string, count: number) {
    const newest = await this.scan(log, {}, -1, Math.max(count, 1));
    const length = newest.length === 0 ? 0 : newest[0]!.seq + 1;
    this.remember(log, length);
    return { length, entries: newest.slice(0, count).reverse() };
  }

  private async hint(log: string): Promise<number> {
    return (await this.tails.findOne({ _id: log }))?.length ?? 0;
  }

  private remember(log: string, length: number): void {
    if (length > (this.seen.get(log) ?? -1)) this.seen.set(log, length);
  }

  /** Writes the hint when the log grew past a stride boundary (see HINT_STRIDE). */
  private advanceHint(log: string, before: number, after: number): void {
    if (Math.floor(after / HINT_STRIDE) > Math.floor(before / HINT_STRIDE))
      this.setHint(log, after).catch(() => undefined);
  }

  private async setHint(log: string, length: number): Promise<void> {
    try {
      await this.tails.replaceOne({ _id: log }, { length }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a concurrent first write created it: fine
    }
  }
}

/**
 * The run of entries from slot `from` on with no slot missing: a log has no gaps, except
 * where an erasure is deleting it, and a read ends there as the per-slot path does.
 */
function contiguousFrom<E extends { seq: number }>(from: number, sorted: E[]): E[] {
  const end = sorted.findIndex((e, i) => e.seq !== from + i);
  return end === -1 ? sorted : sorted.slice(0, end);
}

/** The `_id` of a log slot. */
export const slotId = (log: string, seq: number): string => `${log}#${seq}`;
