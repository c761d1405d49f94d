import { createHash, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { ErrorCode, MosaicError } from '../errors';
import type { Credentials } from './credentials';
import type { PubSub } from '../pubsub/pubSub';
import { isApiKeySecret, type ApiKeyStore } from './apiKeys';
import type { JwtVerifier } from './jwt';
import { UNCHECKED_ADMIN, type Principal } from './roles';

/** Revocations, announced so every replica forgets the key at once. */
export const API_KEY_REVOKED_CHANNEL = 'api-key-revoked';
/** How long a verified key is trusted without asking PostgreSQL again (revocation is pushed). */
const KEY_CACHE_MS = 60_000;

export type RevocationListener = (apiKeyId: string) => void;

/**
 * Failed authentications of one client (its address), counted across replicas. A guess at
 * an API key costs a PostgreSQL look-up; past its budget, a client's keys not already
 * verified are refused without one, while keys verified before (cached), JWTs and the
 * bootstrap key, which cost no look-up, still work: an attacker sharing a proxy's address
 * with real users slows only other unverified keys.
 */
export interface FailureGate {
  /** Whether this client may still cost a credential look-up. */
  mayLookUp(): Promise<boolean>;
  /** Counts one failed authentication against this client. */
  failed(): Promise<void>;
  /** Seconds until the client's budget resets, for the refusal's message. */
  retryAfterSeconds(): number;
}

/**
 * Turns what a caller presented into a `Principal`, or refuses with UNAUTHENTICATED: API
 * keys (hashed in PostgreSQL; verified keys cached per process, dropped on revocation from
 * any replica), JWTs, and the bootstrap admin key from the environment. The one place a
 * credential is checked, for HTTP and graphql-ws alike.
 */
export class Authenticator {
  private readonly keys = new LRUCache<string, Principal>({ max: 10_000, ttl: KEY_CACHE_MS });
  /**
   * Digests of keys verified in the last day: a throttled address may still look these up
   * (their cache entry lapses each minute), so a guessing neighbour behind the same proxy
   * does not lock out clients already working. A revoked one is looked up and refused.
   */
  private readonly verifiedRecently = new LRUCache<string, true>({
    max: 100_000,
    ttl: 24 * 60 * 60_000,
  });
  private readonly listeners = new Set<RevocationListener>();
  private readonly adminKeyHash: Buffer | null;

  constructor(
    private readonly deps: {
      enabled: boolean;
      apiKeys: ApiKeyStore;
      jwt: JwtVerifier | null;
      /** A static admin credential from the environment (MOSAIC_ADMIN_KEY), for bootstrap. */
      adminKey: string | undefined;
      pubsub: PubSub;
      logger: Logger;
    },
  ) {
    this.adminKeyHash = deps.adminKey ? digest(deps.adminKey) : null;
    void this.followRevocations();
  }

  get enabled(): boolean {
    return this.deps.enabled;
  }

  async authenticate(
    credentials: Credentials,
    gate: FailureGate | null = null,
  ): Promise<Principal> {
    if (!this.deps.enabled) return UNCHECKED_ADMIN;
    try {
      return await this.check(credentials, gate);
    } catch (err) {
      if (gate !== null && err instanceof MosaicError && err.code === ErrorCode.UNAUTHENTICATED)
        await gate.failed();
      throw err;
    }
  }

  private async check(credentials: Credentials, gate: FailureGate | null): Promise<Principal> {
    const token = credentials.bearer;
    if (token === null)
      throw new MosaicError(
        ErrorCode.UNAUTHENTICATED,
        'This API needs a credential: send "Authorization: Bearer <API key or JWT>"',
      );
    if (this.adminKeyHash && timingSafeEqual(digest(token), this.adminKeyHash))
      return { ...UNCHECKED_ADMIN, subject: 'admin-key' };
    if (isApiKeySecret(token)) return this.apiKey(token, gate);
    if (this.deps.jwt) return this.deps.jwt.verify(token);
    throw new MosaicError(
      ErrorCode.UNAUTHENTICATED,
      'Invalid credential: not an API key, and this gateway accepts no JWTs',
    );
  }

  /** Called with the key id whenever a key is revoked, here or on another replica. */
  onRevoked(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Announces a revocation to every replica (this one included, through the same channel). */
  async revoked(apiKeyId: string): Promise<void> {
    this.forget(apiKeyId);
    await this.deps.pubsub.publish(API_KEY_REVOKED_CHANNEL, { apiKeyId });
  }

  private async apiKey(secret: string, gate: FailureGate | null): Promise<Principal> {
    const cacheKey = digest(secret).toString('base64');
    const cached = this.keys.get(cacheKey);
    if (cached) return cached;
    if (gate !== null && !this.verifiedRecently.has(cacheKey) && !(await gate.mayLookUp()))
      throw new MosaicError(
        ErrorCode.RATE_LIMITED,
        `Too many failed authentications from this address; retry in ${gate.retryAfterSeconds()} s`,
      );
    const key = await this.deps.apiKeys.verify(secret);
    if (!key) throw new MosaicError(ErrorCode.UNAUTHENTICATED, 'Invalid or revoked API key');
    const principal: Principal = {
      role: key.role,
      sources: key.sources,
      subject: `key:${key.id}`,
      expiresAt: null,
      apiKeyId: key.id,
    };
    this.keys.set(cacheKey, principal);
    this.verifiedRecently.set(cacheKey, true);
    this.deps.apiKeys.touch([key.id]).catch((err: unknown) => {
      this.deps.logger.warn({ err, apiKeyId: key.id }, 'could not record API key use');
    });
    return principal;
  }

  private forget(apiKeyId: string): void {
    for (const [k, p] of this.keys.entries()) if (p.apiKeyId === apiKeyId) this.keys.delete(k);
    for (const listener of this.listeners) listener(apiKeyId);
  }

  private async followRevocations(): Promise<void> {
    try {
      for await (const { apiKeyId } of this.deps.pubsub.subscribe<{ apiKeyId: string }>(
        API_KEY_REVOKED_CHANNEL,
      ))
        this.forget(apiKeyId);
    } catch (err) {
      this.deps.logger.error({ err }, 'stopped following API key revocations');
    }
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
