import { MATCH_FIELDS, type MatchValues } from '../../matching/matchFields';

/** Separates packed match values: never inside one (see `matchValuesFromTraits`). */
const UNIT_SEPARATOR = '\x1f';

/**
 * A record's match values as one text, in `MATCH_FIELDS` order, '' for a missing one:
 * what each of its blocking-key rows carries, so that the blocking look-up returns it
 * instead of the jsonb. Per candidate, decoding the jsonb (PostgreSQL writing it out,
 * JSON.parse reading it) cost more than scoring it, and blocks grow with the store. Null
 * when a value holds the separator (only records stored before emails were cleaned of
 * control characters): such a candidate is read whole.
 */
export function packValues(values: MatchValues): string | null {
  let packed = '';
  for (let i = 0; i < MATCH_FIELDS.length; i++) {
    const value = values[MATCH_FIELDS[i]!] ?? '';
    if (value.includes(UNIT_SEPARATOR)) return null;
    packed += i === 0 ? value : UNIT_SEPARATOR + value;
  }
  return packed;
}

/** Values packed by `packValues`; null if the text is not in its format. */
export function unpackValues(packed: string): MatchValues | null {
  const parts = packed.split(UNIT_SEPARATOR);
  if (parts.length !== MATCH_FIELDS.length) return null;
  const values: MatchValues = {};
  for (let i = 0; i < parts.length; i++) if (parts[i] !== '') values[MATCH_FIELDS[i]!] = parts[i];
  return values;
}
