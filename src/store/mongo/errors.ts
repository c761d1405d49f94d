import { types } from 'node:util';
import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type WriteError,
} from 'mongodb';

export const DUPLICATE_KEY = 11000;

export const isDuplicateKey = (err: unknown): boolean =>
  err instanceof MongoServerError && err.code === DUPLICATE_KEY;

/** MongoDB's IndexNotFound: dropping an index that is not (or no longer) there. */
export const isIndexNotFound = (err: unknown): boolean =>
  err instanceof MongoServerError && (err.code === 27 || /index not found/i.test(err.message));

/**
 * Whether an error means the store could not be reached (down, restarting, unreachable),
 * as opposed to a bug or bad data: the caller should retry later, and is told so.
 */
export const isStoreUnreachable = (err: unknown): boolean =>
  err instanceof MongoServerSelectionError ||
  err instanceof MongoNetworkError ||
  err instanceof MongoNotConnectedError ||
  err instanceof MongoTopologyClosedError ||
  // A bulk write wraps what broke it; a lost connection may come as the socket's own error.
  (err instanceof MongoBulkWriteError &&
    (isStoreUnreachable(err.errorResponse) || isSocketError(err.errorResponse)));

const isSocketError = (err: unknown): boolean =>
  types.isNativeError(err) && typeof (err as NodeJS.ErrnoException).syscall === 'string';

/**
 * The per-item failures a bulk write reported, or null when it failed as a whole. The
 * driver reports a connection lost mid-write (the store killed, say) as a
 * MongoBulkWriteError too, wrapping the network error, with no write errors: read as
 * "every failure was a duplicate", that would count a write that may never have
 * happened as done.
 */
export function itemFailures(err: unknown): WriteError[] | null {
  // A server's report is a plain document; a wrapped failure is an Error (of any realm).
  if (!(err instanceof MongoBulkWriteError) || types.isNativeError(err.errorResponse)) return null;
  const raw = err.writeErrors as WriteError | WriteError[];
  const failures = Array.isArray(raw) ? raw : [raw];
  return failures.length > 0 && err.result.getWriteConcernError() === undefined ? failures : null;
}

/**
 * The indexes of an unordered insertMany's documents that were refused as duplicates,
 * when that is the only way it failed (every other document was inserted); else null.
 */
export function duplicateInserts(err: unknown, attempted: number): number[] | null {
  const failures = itemFailures(err);
  if (failures === null || !failures.every((f) => f.code === DUPLICATE_KEY)) return null;
  const inserted = (err as MongoBulkWriteError).insertedCount;
  return inserted + failures.length === attempted ? failures.map((f) => f.index) : null;
}
