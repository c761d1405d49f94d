/**
 * Masking of personal data for callers that may not see it: enough left to recognise a
 * value you already know ("is this s***@example.com?"), never enough to recover it.
 */

const EMAIL = /^([^@\s])[^@\s]*@([^@\s]+)$/;
/** A phone number as stored (E.164) or as typed: optional +, then digits and separators, 7+ digits. */
const PHONE = /^\+?[\d\s().\-/]{7,}$/;

/**
 * `sam@example.com` → `s***@example.com`. The local part is everything before the last
 * `@` (so a quoted one, `"sam doe"@example.com`, counts as one); quotes and brackets in
 * front of it are not its first letter.
 */
export function maskEmail(value: string): string {
  const v = value.trim();
  const at = v.lastIndexOf('@');
  const domain = v.slice(at + 1);
  if (at <= 0 || domain === '' || /\s/.test(domain)) return '***';
  const first = [...v.slice(0, at).replace(/^["'<(\s]+/, '')][0];
  return `${first ?? '*'}***@${domain}`;
}

/** `+14155550123` → `*******0123`: the last four digits, the rest starred. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 4) return '****';
  return '*'.repeat(digits.length - 4) + digits.slice(-4);
}

/** A name or any other free-text personal value: its first letter. */
export function maskText(value: string): string {
  const first = [...value.trim()][0];
  return first === undefined ? '' : `${first}***`;
}

export const looksLikeEmail = (value: string): boolean => EMAIL.test(value.trim());
export const looksLikePhone = (value: string): boolean =>
  PHONE.test(value.trim()) && value.replace(/\D/g, '').length >= 7;

/**
 * What personal data a JSON key announces, by its name: compared lowercased, without
 * `_`, `-`, `.` and spaces (`first_name`, `First-Name` and `firstName` are one key), and
 * by families rather than a list of spellings, so that `familyName`, `mobileNumber`,
 * `home_phone`, `streetAddress` or `passportNo` are caught without being listed.
 * - `email`: any key containing `email`;
 * - `phone`: `phone`, `mobile`, `fax`, `msisdn`, `tel`, `cell…`;
 * - `text` (first letter kept): names (`…name`, but not `hostname`, `productName` …),
 *   addresses (`…address…`, `street…`, `line1`, `zip…`, `postcode`, `postalCode`), birth
 *   dates (`…birth…`, `dob`), national, tax, passport, licence, card and account numbers,
 *   `ssn`, `ip`;
 * - `identifier`: ids that name a person (`userId`, `customerId`, `crmId`, `anonymousId`,
 *   `username` is a name), masked like the identifiers of a profile.
 * Null for any other key (`plan`, `city`, `score` …): its values are masked only by their
 * looks (emails and phone numbers).
 */
export type PersonalKeyFamily = 'email' | 'phone' | 'text' | 'identifier';

/** Keys ending in `name` that name a thing, not a person. */
const THING_NAMES = new Set([
  'hostname',
  'filename',
  'pathname',
  'domainname',
  'eventname',
  'pagename',
  'productname',
  'campaignname',
  'segmentname',
  'planname',
  'categoryname',
  'brandname',
  'tagname',
  'typename',
  'classname',
  'appname',
  'browsername',
  'osname',
  'servicename',
]);
const IDENTIFIER_KEYS = new Set(['userid', 'customerid', 'crmid', 'anonymousid', 'externalid']);

export const normaliseKey = (key: string): string => key.toLowerCase().replace(/[\s_.-]/g, '');

export function personalKeyFamily(key: string | null): PersonalKeyFamily | null {
  if (key === null) return null;
  const k = normaliseKey(key);
  if (k === '') return null;
  if (k.includes('email')) return 'email';
  if (
    k.includes('phone') ||
    k.includes('mobile') ||
    k.includes('msisdn') ||
    k.includes('fax') ||
    k === 'tel' ||
    k.startsWith('cell')
  )
    return 'phone';
  if (IDENTIFIER_KEYS.has(k)) return 'identifier';
  if (
    (k.endsWith('name') && !THING_NAMES.has(k)) ||
    k.includes('address') ||
    k.startsWith('street') ||
    /^(?:address)?line\d$/.test(k) ||
    k.startsWith('zip') ||
    k.includes('postcode') ||
    k.includes('postalcode') ||
    k.includes('birth') ||
    k.startsWith('dob') ||
    k.endsWith('dob') ||
    k === 'ssn' ||
    k.startsWith('ssn') ||
    k.endsWith('ssn') ||
    k.startsWith('socsec') ||
    k.includes('socialsecurity') ||
    k.startsWith('national') ||
    /^tax.*(?:id|number|no)$/.test(k) ||
    k === 'tin' ||
    k.startsWith('passport') ||
    k.includes('licencenumber') ||
    k.includes('licensenumber') ||
    k.includes('driverslicen') ||
    k.includes('driverlicen') ||
    k === 'iban' ||
    k.includes('creditcard') ||
    k.includes('cardnumber') ||
    k.includes('accountnumber') ||
    k.includes('bankaccount') ||
    k === 'ip' ||
    k === 'ipv4' ||
    k === 'ipv6'
  )
    return 'text';
  return null;
}

/** True when values under `key` are personal data by the key's name alone (see personalKeyFamily). */
export const isPersonalKey = (key: string | null): boolean => personalKeyFamily(key) !== null;

/**
 * A string masked by what it looks like, or by the key it sits under; in any other string,
 * the emails and phone numbers it quotes ("call +1 415 555 0123") are masked where they stand.
 */
export function maskString(value: string, key: string | null): string {
  const family = personalKeyFamily(key);
  if (looksLikeEmail(value)) return maskEmail(value);
  // Before the phone shape: a birth date or national id looks like a phone number, and
  // would keep its last four digits.
  if (family === 'text') return maskText(value);
  if (family === 'identifier') return maskIdentifier(value);
  if (looksLikePhone(value)) return maskPhone(value);
  if (family === 'phone')
    return value.replace(/\D/g, '').length >= 7 ? maskPhone(value) : maskText(value);
  if (family === 'email') return maskText(value);
  return maskProse(value);
}

/**
 * The record ids Mosaic gives source records: `crm:<crmId>`, `order:<orderId>`,
 * `event:<messageId>`, `consent:<keyed digest>`.
 */
const RECORD_ID = /^(crm|order|event|consent):([\s\S]+)$/;

/**
 * An identifier's value (a CRM, customer, user or anonymous id, a record id), masked by its
 * kind when known, else by its shape: emails and phones as such, a record id keeps its
 * prefix (`crm:0***`), anything else its first character (`0***`): an id chosen by a
 * client may be a name (`asmithson`) or an email in disguise.
 */
export function maskIdentifier(value: string, kind: string | null = null): string {
  if (kind === 'EMAIL') return maskEmail(value);
  if (kind === 'PHONE') return maskPhone(value);
  const record = RECORD_ID.exec(value.trim());
  // A messageId is any text a client chose (`jane@example.com-signup`): only its first
  // character is left, as for names; other record ids are masked by their shape.
  if (record)
    return `${record[1]}:${record[1] === 'event' ? maskText(record[2]!) : maskIdentifier(record[2]!)}`;
  if (looksLikeEmail(value)) return maskEmail(value);
  if (looksLikePhone(value)) return maskPhone(value);
  return maskText(value);
}

/**
 * Emails in running text: a quoted local part (`"john doe"@example.com`, with `\"`
 * escapes) or an unquoted one, which may hold apostrophes (`o'brien@example.com`).
 */
const EMAIL_IN_TEXT =
  /(?:"(?:[^"\\\r\n]|\\.){1,64}"|[^\s@"<>()[\],;:]+)@[^\s@"'<>()[\],;:]+\.[^\s@"'<>()[\],;:]+/g;
/** Digit runs with phone separators (spaces, dots, dashes, slashes, brackets), 7+ digits. */
const PHONE_IN_TEXT = /\+?\d[\d\s()./\u2010-\u2015\u2212-]{5,}\d/g;

/** A sentence with every email and phone number in it masked where it stands. */
export function maskProse(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m))
    .replace(PHONE_IN_TEXT, (m) => (m.replace(/\D/g, '').length >= 7 ? maskPhone(m) : m));
}

/** An identifier as a merge explanation quotes it: `<KIND> <value> (held by profile …)`. */
const IDENTIFIER_IN_EXPLANATION =
  /\b(EMAIL|PHONE|CRM_ID|CUSTOMER_ID|USER_ID|ANONYMOUS_ID) (.+?)(?= \(held by profile )/g;
/** A record id in running text, up to a space or a closing punctuation mark. */
const RECORD_ID_IN_TEXT = /\b(crm|order|event|consent):(\S+?)(?=[.,;:)]*(?:\s|$))/g;

/**
 * A merge or unmerge explanation for a caller who may not see personal data: the
 * identifier that linked the profiles (wherever its value is quoted), the identifiers the
 * sentence names and the record ids it cites are masked as identifiers; then emails and
 * phone numbers anywhere (maskProse).
 */
export function maskExplanation(
  text: string,
  linkedBy: { kind: string; value: string } | null = null,
): string {
  let out = text;
  const quoted = linkedBy?.value.trim() ?? '';
  if (linkedBy !== null && quoted !== '') {
    // Where it stands as a whole (not inside a longer word or a profile id).
    const at = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(quoted)}(?![\\p{L}\\p{N}])`, 'gu');
    const masked = maskIdentifier(quoted, linkedBy.kind);
    out = out.replace(at, () => masked);
  }
  out = out
    .replace(IDENTIFIER_IN_EXPLANATION, (_, kind: string, value: string) =>
      // Already masked (the linkedBy value above): leave it.
      value.includes('***') ? `${kind} ${value}` : `${kind} ${maskIdentifier(value, kind)}`,
    )
    .replace(RECORD_ID_IN_TEXT, (m: string) => (m.includes('***') ? m : maskIdentifier(m)));
  return maskProse(out);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A JSON value with every personal string in it masked, at any depth: emails and phone
 * numbers wherever they are (by their looks, so a trait named `contact` holding an email
 * is masked too), other personal values by their key (see personalKeyFamily). A personal
 * key covers everything under it (`name: {first, last}`, `address: {street, city}`,
 * `phones: [{number}]`), and numbers under one are masked like strings (`mobile:
 * 4155550123` → `"******0123"`); booleans and other numbers are kept. In a segment rule
 * (`{trait: "firstName", op: "eq", value: "Sam"}`), `value` is masked as if under the
 * trait's own name. Returns a copy; the input is not touched (it may be a cached document).
 */
export function maskJson(value: unknown, key: string | null = null, depth = 0): unknown {
  if (typeof value === 'string') return maskString(value, key);
  if (typeof value === 'number') return isPersonalKey(key) ? maskString(String(value), key) : value;
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any document Mosaic stores (input validation caps nesting): drop, never leak.
  if (depth > 64) return null;
  if (Array.isArray(value)) return value.map((v) => maskJson(v, key, depth + 1));
  if (value instanceof Date) return value;
  const o = value as Record<string, unknown>;
  const inherited = isPersonalKey(key) ? key : null;
  const ruleField =
    typeof o.trait === 'string' ? o.trait : typeof o.computed === 'string' ? o.computed : null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const under = k === 'value' && ruleField !== null ? ruleField : k;
    out[k] = maskJson(v, isPersonalKey(under) ? under : (inherited ?? under), depth + 1);
  }
  return out;
}
