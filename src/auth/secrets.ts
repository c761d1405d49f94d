import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a presented secret is the configured one, in time that tells nothing about
 * either: both are hashed first, so neither their contents nor their lengths shape the
 * comparison (a plain length check before timingSafeEqual would reveal the length).
 */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
