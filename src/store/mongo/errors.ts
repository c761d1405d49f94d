import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
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
  err instanceof MongoTopologyClosedError;
