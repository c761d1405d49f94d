/** What an erased value is replaced by where the document holding it is someone else's too. */
export const ERASED = '[erased]';

/**
 * A copy of `doc` with every occurrence of the needles in its strings replaced by
 * `[erased]` (case-insensitively), and whether anything changed. For documents that
 * belong to other people as well (an unmerge that split the person from someone else),
 * which cannot simply be deleted. Dates and other non-plain objects are kept as they are.
 */
export function scrubStrings<T>(doc: T, needles: string[]): { value: T; changed: boolean } {
  if (needles.length === 0) return { value: doc, changed: false };
  const token = tokenPattern(needles);
  if (token === null) return { value: doc, changed: false };
  const pattern = new RegExp(token.source, 'giu');
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const out = v.replace(pattern, ERASED);
      if (out !== v) changed = true;
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  const value = walk(doc) as T;
  return { value, changed };
}

/** One case-insensitive pattern matching any needle as a whole token (not inside a word). */
export function tokenPattern(needles: string[]): RegExp | null {
  const unique = [...new Set(needles.map((n) => n.trim()).filter((n) => n.length > 0))];
  if (unique.length === 0) return null;
  const alternatives = unique
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
}
