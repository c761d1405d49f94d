import { badInput } from '../errors';

/** A UTF-16 surrogate standing alone (in `u` mode a valid pair is one astral code point). */
const LONE_SURROGATE = /\p{Surrogate}/u;
export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

/** Deeper than any input Mosaic accepts; JSON limits refuse it later, naming the field. */
const MAX_DEPTH = 256;

/**
 * Refuses input holding ill-formed UTF-16 (a lone surrogate such as `"usr\ud801"`) in any
 * string or object key, at any depth, naming where it is (`variables.input.crmId`).
 *
 * Why at the door and not per field: the store encodes strings as UTF-8, where a lone
 * surrogate becomes U+FFFD, so two different ids written by a client become one stored
 * value, and a value looked up is not the value stored. Identity resolution then saw
 * identifiers "change owner" under it and failed half-way through a write. Checking
 * every string of a request before anything runs keeps every entry point (GraphQL over
 * HTTP and graphql-ws, the tracking API) correct by construction, including fields added later.
 */
export function assertWellFormedInput(value: unknown, field: string): void {
  const bad = illFormedAt(value, field, 0);
  if (bad !== null)
    throw badInput(
      bad,
      'holds ill-formed Unicode (a lone UTF-16 surrogate); send well-formed UTF-16 text',
    );
}

function illFormedAt(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : null;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = illFormedAt(value[i], `${path}[${i}]`, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    // A key is named without its bad character, which the client could not read back.
    if (LONE_SURROGATE.test(key)) return child(path, key.replace(/\p{Surrogate}/gu, '\uFFFD'));
    const bad = illFormedAt(v, child(path, key), depth + 1);
    if (bad !== null) return bad;
  }
  return null;
}

/** `a.b`, or `b` at the top of a request body (the tracking API names fields from there). */
const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
