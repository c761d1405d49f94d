import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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

/** Where keys are kept (`store/postgres`): each with the hash of its secret, never the secret. */
export interface ApiKeyRecords {
  insert(key: {
    id: string;
    name: string;
    role: Role;
    sources: SourceName[];
    secretHash: Buffer;
  }): Promise<ApiKey>;
  /** The key with that id, revoked or not, and its secret's hash. */
  withSecretHash(id: string): Promise<{ key: ApiKey; secretHash: Buffer } | null>;
  /** Sets the keys' last use to now. */
  markUsed(ids: string[]): Promise<void>;
  /** Sets the key's revocation time unless it has one; true when it had none. */
  revoke(id: string): Promise<boolean>;
  /** Every key, newest first. */
  list(): Promise<ApiKey[]>;
}

/**
 * API keys, hashed at rest. A secret carries its key id, so verifying it is one look-up
 * by key and a constant-time comparison of hashes; SHA-256 (not a slow password hash) is
 * right for 256-bit random secrets, which cannot be guessed.
 */
export class ApiKeyStore {
  constructor(private readonly records: ApiKeyRecords) {}

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
    const key = await this.records.insert({
      id,
      name,
      role: input.role,
      sources,
      secretHash: hash(secret),
    });
    return { key, secret };
  }

  /** The key a secret belongs to, if the secret is right and the key not revoked. */
  async verify(secret: string): Promise<ApiKey | null> {
    const m = SECRET_FORMAT.exec(secret);
    if (!m) return null;
    const found = await this.records.withSecretHash(m[1]!);
    if (!found || found.key.revokedAt !== null) return null;
    if (!timingSafeEqual(found.secretHash, hash(secret))) return null;
    return found.key;
  }

  /** Marks keys as used (for operators deciding what to revoke); best effort, batched by callers. */
  async touch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.records.markUsed(ids);
  }

  /** True when the key existed and was live. */
  revoke(id: string): Promise<boolean> {
    return this.records.revoke(id);
  }

  list(): Promise<ApiKey[]> {
    return this.records.list();
  }
}

/** Whether a bearer token is shaped like an API key (anything else is tried as a JWT). */
export const isApiKeySecret = (token: string): boolean => token.startsWith('mk_');

const hash = (secret: string): Buffer => createHash('sha256').update(secret).digest();
