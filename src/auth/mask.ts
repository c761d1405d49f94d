/**
 * Masking of personal data for callers that may not see it: enough left to recognise a
 * value you already know ("is this s***@example.com?"), never enough to recover it.
 */

const EMAIL = /^([^@\s])[^@\s]*@([^@\s]+)$/;
/** A phone number as stored (E.164) or as typed: optional +, then digits and separators, 7+ digits. */
const PHONE = /^\+?[\d\s().\-/]{7,}$/;

/** `sam@example.com` → `s***@example.com`. */
export function maskEmail(value: string): string {
  const m = EMAIL.exec(value.trim());
  return m ? `${m[1]}***@${m[2]}` : '***';
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
 * Keys under which JSON documents (traits, CRM records, event properties, match values)
 * hold personal data that is neither an email nor a phone by its looks: masked by name.
 * Compared lowercased, without `_` and `-`.
 */
const PERSONAL_KEYS = new Set([
  'firstname',
  'lastname',
  'givenname',
  'surname',
  'name',
  'fullname',
  'middlename',
  'birthdate',
  'dateofbirth',
  'dob',
  'line1',
  'line2',
  'street',
  'streetnumber',
  'address',
  'address1',
  'address2',
  'postalcode',
  'postcode',
  'zip',
  'nationalid',
  'ssn',
  'socsecid',
  'ip',
  'email',
  'emails',
  'phone',
  'phones',
  'mobile',
]);

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

/**
 * A string masked by what it looks like, or by the key it sits under; in any other string,
 * the emails and phone numbers it quotes ("call +1 415 555 0123") are masked where they stand.
 */
export function maskString(value: string, key: string | null): string {
  if (looksLikeEmail(value)) return maskEmail(value);
  if (looksLikePhone(value)) return maskPhone(value);
  if (key !== null && PERSONAL_KEYS.has(normaliseKey(key))) return maskText(value);
  return maskProse(value);
}

const EMAIL_IN_TEXT = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g;
const PHONE_IN_TEXT = /\+?\d[\d\s().-]{5,}\d/g;

/** A sentence with every email and phone number in it masked where it stands. */
export function maskProse(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m))
    .replace(PHONE_IN_TEXT, (m) => (m.replace(/\D/g, '').length >= 7 ? maskPhone(m) : m));
}

/**
 * A JSON value with every personal string in it masked, at any depth: emails and phone
 * numbers wherever they are (by their looks, so a trait named `contact` holding an email
 * is masked too), other personal values by their key. Returns a copy; the input is not
 * touched (it may be a cached document).
 */
export function maskJson(value: unknown, key: string | null = null, depth = 0): unknown {
  if (typeof value === 'string') return maskString(value, key);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any document Mosaic stores (input validation caps nesting): drop, never leak.
  if (depth > 64) return null;
  if (Array.isArray(value)) return value.map((v) => maskJson(v, key, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskJson(v, k, depth + 1);
  return out;
}
