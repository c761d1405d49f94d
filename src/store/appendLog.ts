/**
 * An append-only log addressed by name, whose entries are read by position. Slots are
 * taken with unique inserts, so concurrent appenders never overwrite each other, and a
 * log never has gaps: an appender only tries slot n after finding slot n-1 taken.
 */
export interface AppendLog<T> {
  /**
   * Appends `data`; returns the slot it took. `knownLength`, when the caller knows a
   * lower bound of the log's length (0 for a log it just created), saves a look-up.
   * `at` stamps the entry (default: now), for a caller that folds the entry itself.
   */
  append(log: string, data: T, knownLength?: number, at?: Date): Promise<number>;
  /**
   * Appends many entries to many logs in one round trip in the common case (each log's
   * entries in the order given), starting from the lengths it knows and looking up the
   * others. Returns a lower bound of each touched log's length. `at` stamps the entries
   * (default: now).
   */
  appendMany(items: { log: string; data: T }[], at?: Date): Promise<Map<string, number>>;
  /**
   * A lower bound of the log's length known without I/O (from this process's own appends
   * and reads), or undefined.
   */
  knownLength(log: string): number | undefined;
  /** Tells the log a lower bound its caller knows (e.g. 0 for a profile it just created). */
  noteLength(log: string, length: number): void;
  /** Forgets what this process knows of the logs: their entries were erased (privacy). */
  forget(logs: string[]): void;
  /** Entries from slot `from` to the current end, in order. */
  readFrom(
    log: string,
    from: number,
  ): Promise<{ entries: { seq: number; data: T; at: Date }[]; length: number }>;
  /**
   * `readFrom` without confirming the end: the entries from `from` up to the length this
   * process knows (its own appends and reads), fewer if the store holds fewer (an erased
   * log), and nothing without I/O when it knows of none. For a caller that checks the end
   * itself afterwards, as a view's writer does after writing (see IdentityGraph): the
   * probe past the end would be made twice.
   */
  readKnown(
    log: string,
    from: number,
  ): Promise<{ entries: { seq: number; data: T; at: Date }[]; length: number }>;
  /** Up to `count` entries from slot `from`, in order; fewer at the end of the log. */
  readRange(
    log: string,
    from: number,
    count: number,
  ): Promise<{ seq: number; data: T; at: Date }[]>;
  /** The last `count` entries (fewer if the log is shorter), oldest first. */
  readLast(log: string, count: number): Promise<{ seq: number; data: T; at: Date }[]>;
  /**
   * The log's length and at least its last `count` entries (oldest first) in as few
   * round trips as the store allows: the length probe itself reads the newest entries.
   */
  readTail(
    log: string,
    count: number,
  ): Promise<{ length: number; entries: { seq: number; data: T; at: Date }[] }>;
  /** The number of entries: the first free slot. */
  length(log: string): Promise<number>;
  /** True when slot `seq` exists: how a reader checks that nothing was appended after it. */
  has(log: string, seq: number): Promise<boolean>;
}
