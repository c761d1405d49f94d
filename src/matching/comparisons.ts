import { mailboxName, type MatchField, type MatchValues } from './matchFields';
import { editsUpTo, jaroWinklerFrom } from './stringBounds';

/**
 * How two records are compared, field by field. Each field has comparison levels from
 * strongest to weakest agreement; the last level is always "disagree". A pair whose value
 * is missing on either side is at no level at all (it weighs nothing either way).
 * Fellegi-Sunter estimates, per level, how often true matches (m) and non-matches (u)
 * land there; the levels only need to be ordered and mutually exclusive.
 */
export interface FieldComparison {
  field: MatchField;
  /** Level names, strongest first, the last one meaning "disagree". */
  levels: readonly string[];
  /** The level index of the pair, or null when either side lacks the value. */
  compare(a: MatchValues, b: MatchValues): number | null;
  /** Whether an exact agreement is weighed by how common the value is. */
  termFrequency: boolean;
  /** Whether two present values can be at no level (no evidence either way). */
  abstains?: boolean;
}

/**
 * Names entered in each other's field: one record's given name is the other's surname
 * (`given`), and the other way round (`surname`). Each coincidence is one piece of
 * evidence: a single name found across fields counts at the given name's comparison only,
 * and the surname's counts it as swapped only when both names are (counted at both, one
 * shared "linda" weighed twice and merged Linda Collins with Linda Evans).
 */
function crossedNames(a: MatchValues, b: MatchValues): { given: boolean; surname: boolean } {
  const one = a.givenName !== undefined && a.givenName === b.surname;
  const other = a.surname !== undefined && a.surname === b.givenName;
  return { given: one || other, surname: one && other };
}

/** A name: exact, close spelling, swapped with the other name field, loosely similar, different. */
function nameComparison(field: 'givenName' | 'surname', other: MatchField): FieldComparison {
  return {
    field,
    levels: [
      'exact',
      'jaro-winkler ≥ 0.92',
      'swapped with ' + other,
      'jaro-winkler ≥ 0.80',
      'different',
    ],
    termFrequency: true,
    compare(a, b) {
      const x = a[field];
      const y = b[field];
      const crossed = () => crossedNames(a, b)[field === 'givenName' ? 'given' : 'surname'];
      // A name moved to the other field (given name entered as surname) still agrees.
      if (x === undefined || y === undefined) return crossed() ? 2 : null;
      if (x === y) return 0;
      // null: surely below 0.80, the lowest band.
      const s = jaroWinklerFrom(x, y, 0.8);
      if (s !== null && s >= 0.92) return 1;
      if (crossed()) return 2;
      return s !== null && s >= 0.8 ? 3 : 4;
    },
  };
}

/**
 * A comparison of one field whose level 0 is "exact" and whose missing values weigh
 * nothing: `differing` places two present, different values at one of the other levels.
 */
function comparison(
  field: MatchField,
  levels: readonly string[],
  termFrequency: boolean,
  differing: (x: string, y: string) => number,
): FieldComparison {
  return {
    field,
    levels,
    termFrequency,
    compare(a, b) {
      const x = a[field];
      const y = b[field];
      if (x === undefined || y === undefined) return null;
      return x === y ? 0 : differing(x, y);
    },
  };
}

/** A code or id: exact, one edit (a typo or two swapped characters), two edits, different. */
function codeComparison(field: MatchField, maxEdits: 1 | 2, termFrequency = false) {
  const levels = ['exact', '1 edit', ...(maxEdits === 2 ? ['2 edits'] : []), 'different'];
  return comparison(field, levels, termFrequency, (x, y) => editsUpTo(x, y, levels.length - 1));
}

/** Free text (street, town): exact, close spelling, different. */
const textComparison = (field: MatchField, termFrequency: boolean) =>
  comparison(field, ['exact', 'jaro-winkler ≥ 0.90', 'different'], termFrequency, (x, y) =>
    (jaroWinklerFrom(x, y, 0.9) ?? 0) >= 0.9 ? 1 : 2,
  );

const exactComparison = (field: MatchField, termFrequency: boolean) =>
  comparison(field, ['exact', 'different'], termFrequency, () => 1);

/** `YYYYMMDD` → days since epoch, or null for something that is not a date. */
function dayNumber(value: string): number | null {
  if (!/^\d{8}$/.test(value)) return null;
  const t = Date.UTC(+value.slice(0, 4), +value.slice(4, 6) - 1, +value.slice(6, 8));
  return Number.isNaN(t) ? null : t / 86_400_000;
}

/**
 * Birth dates: exact, one typed digit off or two swapped, day and month swapped, within a
 * year, different. Edits are counted on the digits, since typing errors are what occur.
 */
const birthDateComparison = comparison(
  'birthDate',
  ['exact', '1 edit', 'day and month swapped', 'within a year', 'different'],
  false,
  (x, y) => {
    if (editsUpTo(x, y, 2) <= 1) return 1;
    const sameYear = x.length === 8 && y.length === 8 && x.slice(0, 4) === y.slice(0, 4);
    if (sameYear && x.slice(4, 6) === y.slice(6, 8) && x.slice(6, 8) === y.slice(4, 6)) return 2;
    const dx = dayNumber(x);
    const dy = dayNumber(y);
    return dx !== null && dy !== null && Math.abs(dx - dy) <= 366 ? 3 : 4;
  },
);

/**
 * Emails: exact (the same address, up to a `+tag`, which delivers to the same mailbox),
 * same mailbox name (the local part without dots, dashes and underscores, at the same or
 * another domain), different. A mailbox name made of the person's names (`annabrown`,
 * `a.brown`, `anna`) is no evidence unless the address is the same: namesakes hold
 * `anna.brown@x` and `annabrown@x`, or the same name at two providers, and their names are
 * weighed already (counted again, it merged namesakes whose other fields were missing).
 * No "one edit" level: `anna1@x.com` and `anna2@x.com` are usually two people, and typed
 * emails that fail validation never get this far.
 */
const emailComparison: FieldComparison = {
  field: 'email',
  levels: ['exact', 'same mailbox name', 'different'],
  termFrequency: false,
  abstains: true,
  compare(a, b) {
    const x = a.email;
    const y = b.email;
    if (x === undefined || y === undefined) return null;
    if (x === y || withoutTag(x) === withoutTag(y)) return 0;
    const mailbox = mailboxName(x);
    if (mailbox !== mailboxName(y)) return 2;
    return madeOfNames(mailbox, a) || madeOfNames(mailbox, b) ? null : 1;
  },
};

/** `anna+shop@x.com` → `anna@x.com`. */
const withoutTag = (email: string): string => email.replace(/\+[^@]*@/, '@');

/** Whether a mailbox name, digits aside, is the record's names (whole, or one as an initial). */
function madeOfNames(mailbox: string, r: MatchValues): boolean {
  const letters = mailbox.replace(/[^\p{L}]/gu, '');
  const given = r.givenName?.replace(/\s+/g, '');
  const surname = r.surname?.replace(/\s+/g, '');
  const forms = [given, surname];
  if (given && surname)
    forms.push(given + surname, surname + given, given[0]! + surname, given + surname[0]!);
  return forms.includes(letters);
}

/** Every comparison, in the order explanations list them. */
export const COMPARISONS: readonly FieldComparison[] = [
  nameComparison('givenName', 'surname'),
  nameComparison('surname', 'givenName'),
  birthDateComparison,
  codeComparison('nationalId', 2),
  exactComparison('streetNumber', false),
  textComparison('street', true),
  textComparison('locality', true),
  textComparison('city', true),
  codeComparison('postcode', 1, true),
  exactComparison('region', false),
  emailComparison,
  // Exact only: numbers one digit apart are neighbours' lines as often as typos.
  exactComparison('phone', false),
];

/** The comparison vector of a pair: one level index (or null for missing) per comparison. */
export type ComparisonVector = (number | null)[];

export function compareValues(a: MatchValues, b: MatchValues): ComparisonVector {
  return COMPARISONS.map((c) => c.compare(a, b));
}
