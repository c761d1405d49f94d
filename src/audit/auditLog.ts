import type { Logger } from 'pino';
import { ErrorCode, MosaicError } from '../errors';

export type AuditAction =
  | 'api_key_created'
  | 'api_key_revoked'
  | 'profiles_merged'
  | 'profile_unmerged'
  | 'review_resolved'
  | 'person_exported'
  | 'person_erased';

export interface AuditEntry {
  id: string;
  at: Date;
  /** The credential that asked: `key:<id>`, `jwt:<sub>`, `admin-key`. */
  actor: string;
  action: AuditAction;
  /** What it was done to: profile, key or review ids — never personal data. */
  targets: string[];
  status: 'started' | 'done' | 'failed';
  details: Record<string, unknown>;
  finishedAt: Date | null;
}

/** Where entries are kept (`store/postgres`), append only but for their completion. */
export interface AuditTrail {
  /** Writes a `started` entry; returns its id. */
  start(entry: {
    actor: string;
    action: AuditAction;
    targets: string[];
    details: Record<string, unknown>;
  }): Promise<string>;
  /** Sets the entry's status and finish time, adding `details` to those it has. */
  finish(id: string, status: 'done' | 'failed', details: Record<string, unknown>): Promise<void>;
  /** Up to `limit` entries, newest first, older than the entry `before`, of one `action` if given. */
  newestFirst(query: {
    before: string | null;
    action: AuditAction | null;
    limit: number;
  }): Promise<AuditEntry[]>;
}

/**
 * The audit trail of sensitive operations. An entry is written *before* the operation
 * runs and completed after, so an operation that crashes half-way still leaves its trace
 * (`started`), and one that could not be recorded does not run at all.
 */
export class AuditLog {
  constructor(
    private readonly trail: AuditTrail,
    private readonly logger: Logger,
  ) {}

  async run<T>(
    entry: {
      actor: string;
      action: AuditAction;
      targets: string[];
      details?: Record<string, unknown>;
    },
    work: () => Promise<T>,
    outcome: (result: T) => Record<string, unknown> = () => ({}),
  ): Promise<T> {
    let id: string;
    try {
      id = await this.trail.start({ ...entry, details: entry.details ?? {} });
    } catch (err) {
      this.logger.error({ err, action: entry.action }, 'could not write an audit entry');
      throw new MosaicError(
        ErrorCode.AUDIT_UNAVAILABLE,
        `The audit log (PostgreSQL) is unavailable, so this operation (${entry.action}) was not run; retry later`,
      );
    }
    let result: T;
    try {
      result = await work();
    } catch (err) {
      const code = err instanceof MosaicError ? err.code : 'INTERNAL_SERVER_ERROR';
      await this.finish(id, 'failed', { error: code });
      throw err;
    }
    await this.finish(id, 'done', outcome(result));
    return result;
  }

  /** Newest first; `action` narrows to one kind. `after` is an entry id from an earlier page. */
  async page(options: {
    first: number;
    after: string | null;
    action: AuditAction | null;
  }): Promise<{ entries: AuditEntry[]; hasNextPage: boolean }> {
    const entries = await this.trail.newestFirst({
      before: options.after,
      action: options.action,
      limit: options.first + 1,
    });
    return {
      entries: entries.slice(0, options.first),
      hasNextPage: entries.length > options.first,
    };
  }

  private async finish(
    id: string,
    status: 'done' | 'failed',
    details: Record<string, unknown>,
  ): Promise<void> {
    // The operation happened (or failed) whatever this write does: a lost completion
    // leaves the entry `started`, which is logged rather than reported to the caller.
    await this.trail
      .finish(id, status, details)
      .catch((err: unknown) =>
        this.logger.error({ err, auditId: id, status }, 'could not complete an audit entry'),
      );
  }
}
