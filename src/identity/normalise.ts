import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import isEmail from 'validator/lib/isEmail';
import { badInput } from '../errors';
import { hasLoneSurrogate } from '../validation/wellFormed';
import { type Identifier, type IdentifierKind, identityKey, IDENTIFIER_PRIORITY } from './kinds';

/** Longest identifier value accepted, after trimming; longer ones are almost always garbage. */
export const MAX_IDENTIFIER_LENGTH = 256;

export interface NormaliseOptions {
  defaultPhoneRegion: string;
  blocked: { kind: IdentifierKind | '*'; value: string }[];
}

// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators never belong
// in an identifier; they are how log injection and lookalike ids get in.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Turns a raw identifier into its canonical form, or throws a BAD_USER_INPUT error naming
 * `field`. Canonical forms: emails trimmed, NFC and lower-cased; phones in E.164 (numbers
 * without a country code are read in the default region); other ids trimmed, case kept.
 */
export function normaliseIdentifier(
  kind: IdentifierKind,
  raw: string,
  field: string,
  options: Pick<NormaliseOptions, 'defaultPhoneRegion'>,
): Identifier {
  const value = raw.normalize('NFC').trim();
  if (value === '') throw badInput(field, `${kind} must not be empty`);
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    throw badInput(
      field,
      `${kind} is ${value.length} characters long; the limit is ${MAX_IDENTIFIER_LENGTH}`,
    );
  }
  if (CONTROL_CHARS.test(value))
    throw badInput(field, `${kind} must not contain control characters`);
  // Checked at every entry point already (validation/wellFormed.ts); kept here because the
  // store would turn it into U+FFFD and two ids would become one.
  if (hasLoneSurrogate(value))
    throw badInput(field, `${kind} holds ill-formed Unicode (a lone UTF-16 surrogate)`);

  switch (kind) {
    case 'EMAIL': {
      const email = value.toLowerCase();
      if (
        !isEmail(email, { allow_display_name: false, require_tld: true, allow_ip_domain: false })
      ) {
        throw badInput(field, `"${truncate(value)}" is not a valid email address`);
      }
      return { kind, value: email };
    }
    case 'PHONE': {
      const phone = parsePhoneNumberFromString(value, {
        defaultCountry: options.defaultPhoneRegion as CountryCode,
      });
      if (!phone || !phone.isValid()) {
        throw badInput(
          field,
          `"${truncate(value)}" is not a valid phone number (numbers without a +country code are read as ${options.defaultPhoneRegion})`,
        );
      }
      return { kind, value: phone.number };
    }
    case 'CRM_ID':
    case 'CUSTOMER_ID':
    case 'USER_ID':
    case 'ANONYMOUS_ID':
      return { kind, value };
  }
}

/** True when the (normalised) identifier is a known junk value that must never link profiles. */
export function isBlocked(id: Identifier, blocked: NormaliseOptions['blocked']): boolean {
  const v = id.value.toLowerCase();
  return blocked.some((b) => (b.kind === '*' || b.kind === id.kind) && b.value.toLowerCase() === v);
}

/** Dedupes by key and orders by identifier priority (then value, for determinism). */
export function sortByPriority(ids: Identifier[]): Identifier[] {
  const unique = new Map(ids.map((id) => [identityKey(id), id]));
  return [...unique.values()].sort(
    (a, b) =>
      IDENTIFIER_PRIORITY.indexOf(a.kind) - IDENTIFIER_PRIORITY.indexOf(b.kind) ||
      (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
}

const truncate = (s: string): string => (s.length > 64 ? `${s.slice(0, 61)}...` : s);
