import { mailboxName, type MatchField, type MatchValues } from './matchFields';
import { nicknamesOfOneName } from './nicknames';
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
 * Names entered in each other's field: `aGiven`, one record's given name is the other's
 * surname; `aSurname`, one record's surname is the other's given name. A single crossing
 * counts once, at the given name's comparison (counted at both, one shared "linda"
 * weighed twice and merged Linda Collins with Linda Evans); the surname's comparison then
 * compares the names left over by the swap, which is what a swapped record's surname is.
 */
function crossedNames(a: MatchValues, b: MatchValues): { aGiven: boolean; aSurname: boolean } {
  return {
    aGiven: a.givenName !== undefined && a.givenName === b.surname,
    aSurname: a.surname !== undefined && a.surname === b.givenName,
  };
}

const NAME_LEVELS = (other: MatchField) =>
  [
    'exact',
    'jaro-winkler ≥ 0.92',
    'swapped with ' + other,
    'nickname',
    'jaro-winkler ≥ 0.80',
    'different',
  ] as const;

/**
 * Two present, different names: close spelling (1), familiar forms of one name (3, Bill
 * and William, which spelling cannot see), loosely similar (4), different (5).
 */
function spelling(x: string, y: string): number {
  // null: surely below 0.80, the lowest band.
  const s = jaroWinklerFrom(x, y, 0.8);
  if (s !== null && s >= 0.92) return 1;
  if (nicknamesOfOneName(x, y)) return 3;
  return s !== null && s >= 0.8 ? 4 : 5;
}

/**
 * The given name: exact, close spelling, swapped with the surname, a nickname, loosely
 * similar, different.
 */
function givenLevel(a: MatchValues, b: MatchValues): number | null {
  const x = a.givenName;
  const y = b.givenName;
  if (x !== undefined && y !== undefined) {
    if (x === y) return 0;
    const level = spelling(x, y);
    if (level === 1) return 1;
    const { aGiven, aSurname } = crossedNames(a, b);
    return aGiven || aSurname ? 2 : level;
  }
  const { aGiven, aSurname } = crossedNames(a, b);
  return aGiven || aSurname ? 2 : null;
}

/**
 * The surname: as the given name, except that when the given name's comparison found a
 * swap, the surname compares what the swap leaves over (Wallace Isabella against a bare
 * surname Wallace: Isabella is a given name, with none to compare it to, so no evidence).
 * Both names swapped is the swapped level.
 */
function surnameLevel(a: MatchValues, b: MatchValues): number | null {
  const x = a.surname;
  const y = b.surname;
  if (x !== undefined && x === y) return 0;
  if (x !== undefined && y !== undefined && spelling(x, y) === 1) return 1;
  if (givenLevel(a, b) === 2) {
    const { aGiven, aSurname } = crossedNames(a, b);
    if (aGiven && aSurname) return 2;
    const [u, v] = aGiven ? [a.surname, b.givenName] : [a.givenName, b.surname];
    if (u === undefined || v === undefined) return null;
    const left = spelling(u, v);
    return left === 1 ? 2 : left;
  }
  if (x === undefined || y === undefined) return null;
  return spelling(x, y);
}

const givenNameComparison: FieldComparison = {
  field: 'givenName',
  levels: NAME_LEVELS('surname'),
  termFrequency: true,
  compare: givenLevel,
};

const surnameComparison: FieldComparison = {
  field: 'surname',
  levels: NAME_LEVELS('givenName'),
  termFrequency: true,
  // Two present surnames are no evidence when a swap leaves one of them unpaired.
  abstains: true,
  compare: surnameLevel,
};

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
 * week (a day misremembered or misread: the 9th and the 10th are two edits apart), within
 * a year, different. Edits are counted on the digits, since typing errors are what occur.
 */
const birthDateComparison = comparison(
  'birthDate',
  ['exact', '1 edit', 'day and month swapped', 'within a week', 'within a year', 'different'],
  false,
  (x, y) => {
    if (editsUpTo(x, y, 2) <= 1) return 1;
    const sameYear = x.length === 8 && y.length === 8 && x.slice(0, 4) === y.slice(0, 4);
    if (sameYear && x.slice(4, 6) === y.slice(6, 8) && x.slice(6, 8) === y.slice(4, 6)) return 2;
    const dx = dayNumber(x);
    const dy = dayNumber(y);
    if (dx === null || dy === null) return 5;
    const days = Math.abs(dx - dy);
    return days <= 7 ? 3 : days <= 366 ? 4 : 5;
  },
);

/**
 * Emails: exact (the same address, up to a `+tag`, which delivers to the same mailbox),
 * same mailbox name (the local part without dots, dashes and underscores, at the same or
 * another domain), a mistyped mailbox name, different. A mailbox name that holds a name
 * the pair's comparisons weigh (`annabrown`, `a.brown`, `anna77`, `danderson`) is no
 * evidence unless the address is the same: namesakes hold `anna.brown@x` and `annabrown@x`, or the same
 * name at two providers, and their names are weighed already (counted again, it merged
 * namesakes whose other fields were missing).
 */
const emailComparison: FieldComparison = {
  field: 'email',
  levels: ['exact', 'same mailbox name', 'mailbox name mistyped', 'different'],
  termFrequency: false,
  abstains: true,
  compare(a, b) {
    const x = a.email;
    const y = b.email;
    if (x === undefined || y === undefined) return null;
    if (x === y || withoutTag(x) === withoutTag(y)) return 0;
    const mailbox = mailboxName(x);
    const other = mailboxName(y);
    const level = mailbox === other ? 1 : mistyped(mailbox, other) ? 2 : 3;
    if (level === 3) return 3;
    return holdsName(mailbox, a, b) || holdsName(other, a, b) ? null : level;
  },
};

/**
 * Whether two mailbox names are one typed with a slip or two (`barbara84` / `birara84`):
 * long enough that two edits leave most of it standing, and the same digits, since a
 * provider hands namesakes `jjones7` and `jjones12`, and `anna1`/`anna2` are two people.
 */
function mistyped(x: string, y: string): boolean {
  if (Math.min(x.length, y.length) < 6) return false;
  if (x.replace(/\D/g, '') !== y.replace(/\D/g, '')) return false;
  return editsUpTo(x, y, 3) <= 2;
}

/** `anna+shop@x.com` → `anna@x.com`. */
const withoutTag = (email: string): string => email.replace(/\+[^@]*@/, '@');

/**
 * Whether a mailbox name holds a name the pair's name comparisons weigh, as written or
 * one slip away (`danderson` when both records have a surname and one is Anderson;
 * `lopez.linda` against a Limda Lopez; `kbrown` against a Brownn). Such a mailbox is the
 * names again, and namesakes share it: two D. Andersons each have `danderson` somewhere.
 * A name only one record has is not weighed, and the mailbox is then the one place the
 * other record says it (`davidperez@` against a record with no names): it counts.
 */
function holdsName(mailbox: string, a: MatchValues, b: MatchValues): boolean {
  const letters = mailbox.replace(/[^\p{L}]/gu, '');
  for (const value of weighedNames(a, b)) {
    const name = value.replace(/[^\p{L}]/gu, '');
    if (name.length < 3) {
      if (name !== '' && letters === name) return true;
      continue;
    }
    if (letters.includes(name)) return true;
    if (name.length >= 4 && withinOneEdit(letters, name)) return true;
  }
  return false;
}

/** The names a name comparison of the pair weighs: both sides of a field, or one found across. */
function weighedNames(a: MatchValues, b: MatchValues): string[] {
  const names: string[] = [];
  if (a.givenName !== undefined && b.givenName !== undefined) names.push(a.givenName, b.givenName);
  if (a.surname !== undefined && b.surname !== undefined) names.push(a.surname, b.surname);
  const { aGiven, aSurname } = crossedNames(a, b);
  if (aGiven) names.push(a.givenName!);
  if (aSurname) names.push(a.surname!);
  return names;
}

/** Whether some run of `letters` is `name` with one letter changed, added, dropped or swapped. */
function withinOneEdit(letters: string, name: string): boolean {
  for (let length = name.length - 1; length <= name.length + 1; length++)
    for (let start = 0; start + length <= letters.length; start++)
      if (editsUpTo(letters.slice(start, start + length), name, 2) <= 1) return true;
  return false;
}

/** Every comparison, in the order explanations list them. */
export const COMPARISONS: readonly FieldComparison[] = [
  givenNameComparison,
  surnameComparison,
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
