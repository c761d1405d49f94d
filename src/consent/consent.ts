import { badInput } from '../errors';
import type { Rule } from '../segments/rules/rule';

/**
 * Consent per purpose (`marketing`, `analytics`, `advertising` …): what a person agreed
 * their data may be used for. A flag is a trait of its own, `consent:<purpose>` = true or
 * false, so it folds like any trait — per purpose, the latest statement wins whatever
 * order records arrive in, and a record that says nothing about a purpose changes
 * nothing — and lands on the segment subject with the other traits, where segment rules
 * and webhook deliveries read it. No statement means no consent (opt-in).
 */
export const CONSENT_PREFIX = 'consent:';

const PURPOSE = /^[a-z][a-z0-9_-]{0,39}$/;
/** Most purposes one statement may name. */
export const MAX_PURPOSES = 50;

export const consentTraitKey = (purpose: string): string => `${CONSENT_PREFIX}${purpose}`;

/** A purpose as sent, checked: lower-case letters, digits, `_` and `-`, up to 40 characters. */
export function parsePurpose(value: unknown, field: string): string {
  if (typeof value !== 'string' || !PURPOSE.test(value))
    throw badInput(
      field,
      `expected a purpose such as "marketing" (lower-case letters, digits, _ or -, at most 40), got ${JSON.stringify(value)}`,
    );
  return value;
}

/** Traits `consent:<purpose>` from statements `{purpose, granted}`; a purpose named twice is refused. */
export function consentTraits(
  statements: readonly { purpose: string; granted: boolean }[],
  field: string,
): Record<string, boolean> {
  if (statements.length > MAX_PURPOSES)
    throw badInput(field, `at most ${MAX_PURPOSES} purposes, got ${statements.length}`);
  const traits: Record<string, boolean> = {};
  statements.forEach((s, i) => {
    const purpose = parsePurpose(s.purpose, `${field}[${i}].purpose`);
    const key = consentTraitKey(purpose);
    if (key in traits) throw badInput(`${field}[${i}].purpose`, `"${purpose}" is named twice`);
    traits[key] = s.granted === true;
  });
  return traits;
}

/**
 * Segment's consent categories (`context.consent.categoryPreferences`, e.g.
 * `{"Advertising": true, "Analytics": false}`) as consent traits; names are lower-cased
 * and spaces become `-`. Anything else there is refused, naming the field.
 */
export function segmentCategoryPreferences(
  context: Record<string, unknown>,
  field: string,
): Record<string, boolean> {
  const consent = context.consent;
  if (consent === undefined || consent === null) return {};
  if (typeof consent !== 'object' || Array.isArray(consent))
    throw badInput(`${field}.consent`, 'expected an object with categoryPreferences');
  const prefs = (consent as Record<string, unknown>).categoryPreferences;
  if (prefs === undefined || prefs === null) return {};
  if (typeof prefs !== 'object' || Array.isArray(prefs))
    throw badInput(`${field}.consent.categoryPreferences`, 'expected {"<category>": true|false}');
  return consentTraits(
    Object.entries(prefs as Record<string, unknown>).map(([category, granted]) => {
      if (typeof granted !== 'boolean')
        throw badInput(
          `${field}.consent.categoryPreferences.${category}`,
          `expected true or false, got ${JSON.stringify(granted)}`,
        );
      return { purpose: category.trim().toLowerCase().replace(/\s+/g, '-'), granted };
    }),
    `${field}.consent.categoryPreferences`,
  );
}

/** Refuses client traits that would pass for consent flags (they are set through consent only). */
export function assertNoConsentKeys(traits: Record<string, unknown>, field: string): void {
  for (const key of Object.keys(traits))
    if (key.startsWith(CONSENT_PREFIX))
      throw badInput(
        `${field}.${key}`,
        `keys starting with "${CONSENT_PREFIX}" are consent flags; send them as consent`,
      );
}

/** The consent flags among a profile's traits, by purpose. */
export function consentOf(traits: Record<string, unknown>): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const [key, value] of Object.entries(traits))
    if (key.startsWith(CONSENT_PREFIX) && typeof value === 'boolean')
      out.set(key.slice(CONSENT_PREFIX.length), value);
  return out;
}

/** The traits without the consent flags (shown apart, as `Profile.consent`). */
export function withoutConsent(traits: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(traits).filter(([k]) => !k.startsWith(CONSENT_PREFIX)));
}

export const hasConsent = (traits: Record<string, unknown>, purpose: string): boolean =>
  traits[consentTraitKey(purpose)] === true;

/**
 * A segment's rule as evaluated: for a segment with a purpose, only profiles that granted
 * it can be members. Both compilers (store filter, in-memory predicate) get the same tree.
 */
export function ruleWithConsent(rule: Rule, purpose: string | null | undefined): Rule {
  if (!purpose) return rule;
  return {
    and: [
      rule,
      { field: { scope: 'traits', name: consentTraitKey(purpose) }, op: 'eq', value: true },
    ],
  };
}
