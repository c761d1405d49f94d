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

/**
 * Whether an error means the store could not be reached (down, restarting, unreachable),
 * as opposed to a bug or bad data: the caller should retry later, and is told so.
 */
export const isStoreUnreachable = (err: unknown): boolean =>
  err instanceof MongoServerSelectionError ||
  err instanceof MongoNetworkError ||
  err instanceof MongoNotConnectedError ||
  err instanceof MongoTopologyClosedError;
