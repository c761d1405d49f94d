/** Identifier kinds, in the order of the public GraphQL enum. */
export const IDENTIFIER_KINDS = [
  'EMAIL',
  'PHONE',
  'CRM_ID',
  'CUSTOMER_ID',
  'USER_ID',
  'ANONYMOUS_ID',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/**
 * When a record's identifiers point at profiles that cannot all be merged (a per-kind
 * limit would be exceeded), identifiers earlier in this list decide which profile the
 * record joins. Stable ids issued by systems we trust come first; device-level ids last.
 */
export const IDENTIFIER_PRIORITY: readonly IdentifierKind[] = [
  'USER_ID',
  'CUSTOMER_ID',
  'CRM_ID',
  'EMAIL',
  'PHONE',
  'ANONYMOUS_ID',
];

export interface Identifier {
  kind: IdentifierKind;
  /** Normalised value: the form stored, compared and returned. */
  value: string;
}

/** The `_id` of an identity document: `<kind>:<normalised value>`, e.g. `email:a@b.com`. */
export const identityKey = (id: Identifier): string => `${id.kind.toLowerCase()}:${id.value}`;

export function isIdentifierKind(value: string): value is IdentifierKind {
  return (IDENTIFIER_KINDS as readonly string[]).includes(value);
}
