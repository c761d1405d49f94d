import type { Pool } from 'pg';
import type { ApiKey, ApiKeyRecords } from '../../auth/apiKeys';
import type { Role } from '../../auth/roles';
import type { SourceName } from '../models';

/** API keys in `api_keys`, with a SHA-256 of each secret. */
export class PostgresApiKeys implements ApiKeyRecords {
  constructor(private readonly pool: Pool) {}

  async insert(key: {
    id: string;
    name: string;
    role: Role;
    sources: SourceName[];
    secretHash: Buffer;
  }): Promise<ApiKey> {
    const { rows } = await this.pool.query<KeyRow>(
      `INSERT INTO api_keys (id, name, role, sources, secret_hash) VALUES ($1, $2, $3, $4, $5)
       RETURNING *`,
      [key.id, key.name, key.role, key.sources, key.secretHash],
    );
    return toKey(rows[0]!);
  }

  async withSecretHash(id: string): Promise<{ key: ApiKey; secretHash: Buffer } | null> {
    // Prepared: every request carrying a key runs it (until the key is cached).
    const { rows } = await this.pool.query<KeyRow>({
      name: 'api-key-verify',
      text: 'SELECT * FROM api_keys WHERE id = $1',
      values: [id],
    });
    const row = rows[0];
    return row ? { key: toKey(row), secretHash: row.secret_hash } : null;
  }

  async markUsed(ids: string[]): Promise<void> {
    await this.pool.query('UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1)', [ids]);
  }

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
