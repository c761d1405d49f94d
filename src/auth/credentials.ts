/**
 * What a caller presented to identify itself: the bearer token of an `Authorization`
 * header (HTTP) or of the `authorization` connection parameter (graphql-ws). Parsed in one
 * place for both transports, before the Authenticator (authenticator.ts) decides who that is.
 */
export interface Credentials {
  bearer: string | null;
}

export const ANONYMOUS: Credentials = { bearer: null };

/** Null when `value` is present but not a bearer token (the caller should be refused). */
export function parseAuthorization(value: unknown): Credentials | null {
  if (value === undefined || value === null || value === '') return ANONYMOUS;
  if (typeof value !== 'string') return null;
  // Long enough for RS256 JWTs with claims (a 2048-bit signature alone is 342 characters).
  const match = /^Bearer\s+(\S{1,8192})$/i.exec(value.trim());
  return match ? { bearer: match[1]! } : null;
}
