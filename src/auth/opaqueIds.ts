import { createHmac, randomBytes } from 'node:crypto';

const SECRET_ID = 'opaque-id-secret';

/**
 * Settings Mosaic creates for itself, once per deployment, shared by every process. Never
 * personal data.
 */
export interface SettingsStore {
  get(id: string): Promise<string | null>;
  /**
   * Stores the setting unless it exists, atomically (an insert refused when the id is
   * taken, never a look-up then a write); false when another process created it first.
   */
  create(id: string, value: string): Promise<boolean>;
}

/** What an opaque id stands for; each use has ids of its own. */
export type OpaqueUse = 'consent-statement' | 'shown-id';

/**
 * Opaque stand-ins for ids derived from personal values (a consent statement's id, an
 * event's client-chosen messageId), keyed with a secret of the deployment: stable (the
 * same value gives the same id on every replica, so re-sent statements stay idempotent
 * and clients can still cache by id), and, unlike a plain hash, not recoverable by hashing
 * guesses (a phone number has few enough candidates to try them all).
 *
 * The secret is `MOSAIC_ID_SECRET` when set; otherwise 32 random bytes the first process
 * stores in the deployment's settings and every other process reads (`SettingsStore.create`:
 * the first writer wins).
 */
export class OpaqueIds {
  private key: Promise<Buffer> | null = null;

  constructor(
    private readonly settings: SettingsStore,
    private readonly configured: string | undefined,
  ) {}

  /**
   * 22 url-safe characters (132 bits) of an HMAC-SHA256 of `value`, separated by `use`: an
   * id shown for one use (an event's messageId) is never the id of another (a consent
   * statement), so a client cannot send a guessed statement as a messageId and read back
   * its id.
   */
  async of(use: OpaqueUse, value: string): Promise<string> {
    const key = await this.secret();
    return createHmac('sha256', key)
      .update(`${use}\0${value}`, 'utf8')
      .digest('base64url')
      .slice(0, 22);
  }

  private secret(): Promise<Buffer> {
    if (this.configured !== undefined) return Promise.resolve(Buffer.from(this.configured, 'utf8'));
    this.key ??= this.loadOrCreate().catch((err: unknown) => {
      this.key = null; // the store was down: the next call tries again
      throw err;
    });
    return this.key;
  }

  private async loadOrCreate(): Promise<Buffer> {
    const existing = await this.settings.get(SECRET_ID);
    if (existing !== null) return Buffer.from(existing, 'base64');
    const value = randomBytes(32).toString('base64');
    if (await this.settings.create(SECRET_ID, value)) return Buffer.from(value, 'base64');
    // Another process created it first: everyone uses that one.
    const winner = await this.settings.get(SECRET_ID);
    if (winner === null)
      throw new Error('the opaque-id secret vanished right after it was created');
    return Buffer.from(winner, 'base64');
  }
}
