/**
 * The fields probabilistic matching compares, taken from a record's traits (a CRM
 * contact's `firstName`, `address.postalCode`, …) and normalised for comparison: case,
 * accents, punctuation and spacing never make two values differ.
 */
export const MATCH_FIELDS = [
  'givenName',
  'surname',
  'birthDate',
  'nationalId',
  'streetNumber',
  'street',
  'locality',
  'city',
  'postcode',
  'region',
  'email',
  'phone',
] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

/** A record as matching sees it: normalised values, absent when missing. */
export type MatchValues = Partial<Record<MatchField, string>>;

/** Letters and digits only, lower case, accents removed, single spaces. */
export function normaliseText(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return text === '' ? undefined : text;
}

/** Digits only (ids, postcodes, dates): `12-34 5` and `12345` are one value. */
function digits(value: unknown): string | undefined {
  const text = normaliseText(value)?.replace(/\D/g, '');
  return text === undefined || text === '' ? undefined : text;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `address.line1` is split into house number and street ("6 tullaroop street"), since the
 * two go wrong independently: a typo in one says little about the other.
 */
function splitLine1(line1: string | undefined): { streetNumber?: string; street?: string } {
  if (line1 === undefined) return {};
  const m = /^(\d+[a-z]?)\s+(.*)$/.exec(line1);
  return m ? { streetNumber: m[1]!, street: m[2]! } : { street: line1 };
}

function normaliseEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value
    .replace(/\p{Cc}/gu, '')
    .trim()
    .toLowerCase();
  return email === '' ? undefined : email;
}

/** Match values of a record from its traits, as stored for CRM contacts and identify calls. */
export function matchValuesFromTraits(traits: Record<string, unknown>): MatchValues {
  const address = record(traits.address);
  const line1 = splitLine1(normaliseText(address.line1));
  const email = first(traits.emails) ?? traits.email;
  const all: Record<MatchField, string | undefined> = {
    givenName: normaliseText(traits.firstName),
    surname: normaliseText(traits.lastName),
    birthDate: digits(traits.birthDate),
    nationalId: digits(traits.nationalId),
    streetNumber: line1.streetNumber,
    street: line1.street,
    locality: normaliseText(address.line2),
    city: normaliseText(address.city),
    postcode: digits(address.postalCode) ?? normaliseText(address.postalCode),
    region: normaliseText(address.region),
    // The raw string keeps its punctuation: `a.b@x.com` and `ab@x.com` are different
    // addresses. Control characters go (no address has one): the match index packs
    // values with one as the separator.
    email: normaliseEmail(email),
    phone: digits(first(traits.phones) ?? traits.phone),
  };
  // Only present values are set, in field order: deleting the missing ones instead would
  // turn the object into a hash table, which every comparison of a block then reads slowly.
  const values: MatchValues = {};
  for (const key of MATCH_FIELDS) if (all[key] !== undefined) values[key] = all[key];
  return values;
}

/**
 * An email's mailbox name as people vary it: lower case, without a `+tag` and without
 * the dots, dashes and underscores that separate names (`Anna.Brown+shop` → `annabrown`).
 */
export function mailboxName(email: string): string {
  const local = email.split('@')[0]!;
  return local.replace(/\+.*$/, '').replace(/[._-]/g, '');
}

/** How many match fields a record has: a record with almost none cannot be matched safely. */
export function presentFields(values: MatchValues): number {
  return MATCH_FIELDS.filter((f) => values[f] !== undefined).length;
}
