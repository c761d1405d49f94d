import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { newId } from '../ids';
import { badInput } from '../errors';
import type { SourceName } from '../store/models';
import type { Role } from './roles';

/** A key's secret: `mk_<key id>_<43 base64url characters: 256 random bits>`. */
const SECRET_FORMAT = /^mk_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;
const SOURCES: readonly SourceName[] = ['crm', 'orders', 'events'];

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  sources: SourceName[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/**
 * API keys in PostgreSQL, hashed at rest. A secret carries its key id, so verifying it is
 * one primary-key look-up and a constant-time comparison of hashes; SHA-256 (not a slow
 * password hash) is right for 256-bit random secrets, which cannot be guessed.
 */
export class ApiKeyStore {
  constructor(private readonly pool: Pool) {}

  async create(input: {
    name: string;
    role: Role;
    sources?: readonly SourceName[] | null;
  }): Promise<{ key: ApiKey; secret: string }> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw badInput('name', 'must be 1-100 characters');
    const sources = [...new Set(input.sources ?? [])];
    if (input.role === 'writer' && sources.length === 0)
      throw badInput('sources', 'a writer key must name the sources it writes for');
    if (input.role !== 'writer' && sources.length > 0)
      throw badInput('sources', `only writer keys name sources; a ${input.role} key cannot`);
    for (const s of sources)
      if (!SOURCES.includes(s)) throw badInput('sources', `unknown source "${String(s)}"`);
    const id = newId();
    const secret = `mk_${id}_${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.pool.query<KeyRow>(
      `INSERT INTO api_keys (id, name, role, sources, secret_hash) VALUES ($1, $2, $3, $4, $5)
       RETURNING *`,
      [id, name, input.role, sources, hash(secret)],
    );
    return { key: toKey(rows[0]!), secret };
  }

  /** The key a secret belongs to, if the secret is right and the key not revoked. */
  async verify(secret: string): Promise<ApiKey | null> {
    const m = SECRET_FORMAT.exec(secret);
    if (!m) return null;
    const { rows } = await this.pool.query<KeyRow>({
      name: 'api-key-verify',
      text: 'SELECT * FROM api_keys WHERE id = $1',
      values: [m[1]],
    });
    const row = rows[0];
    if (!row || row.revoked_at !== null) return null;
    if (!timingSafeEqual(row.secret_hash, hash(secret))) return null;
    return toKey(row);
  }

  /** Marks keys as used (for operators deciding what to revoke); best effort, batched by callers. */
  async touch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query('UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1)', [ids]);
  }

  /** True when the key existed and was live. */
  async revoke(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  async list(): Promise<ApiKey[]> {
    const { rows } = await this.pool.query<KeyRow>(
      'SELECT * FROM api_keys ORDER BY created_at DESC, id DESC',
    );
    return rows.map(toKey);
  }
}

/** Whether a bearer token is shaped like an API key (anything else is tried as a JWT). */
export const isApiKeySecret = (token: string): boolean => token.startsWith('mk_');

const hash = (secret: string): Buffer => createHash('sha256').update(secret).digest();

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  sources: SourceName[];
  secret_hash: Buffer;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

function toKey(r: KeyRow): ApiKey {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    sources: r.sources,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  };
}
