import doubleMetaphone from 'talisman/phonetics/double-metaphone';
import { mailboxName, type MatchField, type MatchValues } from './matchFields';

/**
 * Blocking: which stored records a new record is compared with at all. Each key is a
 * cheap, typo-tolerant summary of a few fields; two records are candidates when they
 * share any key. Real records miss fields (a fifth of each, on messy CRM data) and get
 * them wrong independently, so the keys are many passes over different fields: any two
 * records of one person almost always still share one of them. Each key pairs a loose
 * summary (a phonetic code, an initial, a year) with a second field, so a block holds a
 * handful of people, not everyone named Smith; the match index reads at most
 * `MAX_BLOCK_READ` members of a block, which bounds a record's candidates.
 *
 * Changing what keys are made changes `BLOCKING_KEYS_VERSION`: records indexed under an
 * older version are re-keyed in the background (see `MatchIndex.rekey`).
 */
export const BLOCKING_KEYS_VERSION = 2;

/**
 * The fields each kind of key is made of. Two records sharing a key agree on these fields
 * far more often than two random records do, whether or not they are one person; training
 * leaves them out when it learns from the pairs that kind of key brought together.
 */
export const BLOCKING_KEY_FIELDS = {
  'surname-year': ['surname', 'birthDate'],
  'given-year': ['givenName', 'birthDate'],
  'given-postcode': ['givenName', 'postcode'],
  'surname-postcode': ['surname', 'postcode'],
  'given-city': ['givenName', 'city'],
  'surname-city': ['surname', 'city'],
  birthdate: ['birthDate'],
  'birth-unordered': ['birthDate'],
  'birth-month-given': ['birthDate', 'givenName'],
  'birth-month-surname': ['birthDate', 'surname'],
  'national-id': ['nationalId'],
  mailbox: ['email'],
  phone: ['phone'],
  address: ['streetNumber', 'street'],
  names: ['givenName', 'surname'],
} as const satisfies Record<string, readonly MatchField[]>;
export type BlockingKeyKind = keyof typeof BLOCKING_KEY_FIELDS;

/** The kind of a key `blockingKeys` made (`mailbox:annabrown` → `mailbox`). */
export const kindOfKey = (key: string): BlockingKeyKind =>
  key.slice(0, key.indexOf(':')) as BlockingKeyKind;

const phonetic = (name: string): string => doubleMetaphone(name.replace(/\s+/g, ''))[0] || name;

export function blockingKeys(v: MatchValues): string[] {
  const keys = new Set<string>();
  const given = v.givenName !== undefined ? phonetic(v.givenName) : undefined;
  const surname = v.surname !== undefined ? phonetic(v.surname) : undefined;
  const birth = v.birthDate !== undefined && v.birthDate.length === 8 ? v.birthDate : undefined;
  const year = birth?.slice(0, 4);
  const add = (name: BlockingKeyKind, ...parts: (string | undefined)[]) => {
    if (parts.every((p) => p !== undefined && p !== '')) keys.add(`${name}:${parts.join(':')}`);
  };
  add('surname-year', surname, year);
  add('given-year', given, year);
  add('given-postcode', given, v.postcode);
  add('surname-postcode', surname, v.postcode);
  add('given-city', given, v.city);
  add('surname-city', surname, v.city);
  add('birthdate', v.birthDate);
  // Day and month entered the other way round (US against European order).
  if (birth) add('birth-unordered', year, ...[birth.slice(4, 6), birth.slice(6, 8)].sort());
  // A day mistyped or off by a few: the month and either initial still agree.
  add('birth-month-given', birth?.slice(0, 6), v.givenName?.[0]);
  add('birth-month-surname', birth?.slice(0, 6), v.surname?.[0]);
  add('national-id', v.nationalId);
  add('mailbox', v.email === undefined ? undefined : mailboxName(v.email));
  add('phone', v.phone);
  add('address', v.streetNumber, v.street);
  // Both names, in either order: survives a given name and surname entered swapped.
  if (given !== undefined && surname !== undefined) add('names', ...[given, surname].sort());
  return [...keys];
}
