import { MongoServerError } from 'mongodb';

export const DUPLICATE_KEY = 11000;

export const isDuplicateKey = (err: unknown): boolean =>
  err instanceof MongoServerError && err.code === DUPLICATE_KEY;
