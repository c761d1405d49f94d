import doubleMetaphone from 'talisman/phonetics/double-metaphone';
import type { MatchValues } from './matchFields';

/**
 * Blocking: which stored records a new record is compared with at all. Each key is a
 * cheap, typo-tolerant summary of a few fields; two records are candidates when they
 * share any key. Several keys over different fields keep recall high (a typo in the
 * surname still leaves the birth date, the id, the email…) while each block stays small.
 */
const phonetic = (name: string): string => doubleMetaphone(name.replace(/\s+/g, ''))[0] || name;

export function blockingKeys(v: MatchValues): string[] {
  const keys = new Set<string>();
  const given = v.givenName !== undefined ? phonetic(v.givenName) : undefined;
  const surname = v.surname !== undefined ? phonetic(v.surname) : undefined;
  const year = v.birthDate?.slice(0, 4);
  const add = (name: string, ...parts: (string | undefined)[]) => {
    if (parts.every((p) => p !== undefined && p !== '')) keys.add(`${name}:${parts.join(':')}`);
  };
  add('surname-year', surname, year);
  add('given-year', given, year);
  add('given-postcode', given, v.postcode);
  add('surname-postcode', surname, v.postcode);
  add('birthdate', v.birthDate);
  add('national-id', v.nationalId);
  add('email-local', v.email?.split('@')[0]);
  add('phone', v.phone);
  add('address', v.streetNumber, v.street);
  // Both names, in either order: survives a given name and surname entered swapped.
  if (given !== undefined && surname !== undefined) add('names', ...[given, surname].sort());
  return [...keys];
}
