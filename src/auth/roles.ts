import type { SourceName } from '../store/models';

/**
 * Who may do what. A caller has exactly one role:
 * - `reader`: frontend teams — profiles and segments, with personal data masked;
 * - `writer`: CRM and order systems — the write mutations of the sources their credential
 *   names, and the profile those mutations return (masked: they sent the data);
 * - `dashboard`: segments, their members and live feeds — profiles masked;
 * - `admin`: everything, personal data unmasked, merges, unmerges and credentials.
 * Which operation needs which role is declared on the schema (`@auth`), not here.
 */
export const ROLES = ['reader', 'writer', 'dashboard', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Only admins see personal data in the clear; every other role gets it masked. */
export const seesPersonalData = (role: Role): boolean => role === 'admin';

/** An authenticated caller, whatever the credential. */
export interface Principal {
  role: Role;
  /** For writers: the sources they may write for (a writer with none may write nothing). */
  sources: readonly SourceName[];
  /** Names the credential in logs and the audit trail: `key:<id>` or `jwt:<sub>`. */
  subject: string;
  /** When the credential stops being valid (a JWT's `exp`); null when it does not expire. */
  expiresAt: Date | null;
  /** The API key id, for revocation; null for other credentials. */
  apiKeyId: string | null;
}

/** Who the caller is when authentication is switched off (development only): an admin. */
export const UNCHECKED_ADMIN: Principal = {
  role: 'admin',
  sources: ['crm', 'orders', 'events'],
  subject: 'auth-off',
  expiresAt: null,
  apiKeyId: null,
};
