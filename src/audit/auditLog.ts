import type { Pool } from 'pg';
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

/**
 * The audit trail of sensitive operations, in PostgreSQL. An entry is written *before*
 * the operation runs and completed after, so an operation that crashes half-way still
 * leaves its trace (`started`), and one that could not be recorded does not run at all.
 */
export class AuditLog {
  constructor(
    private readonly pool: Pool,
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
    let rows: { id: string }[];
    try {
      ({ rows } = await this.pool.query<{ id: string }>(
        `INSERT INTO audit_log (actor, action, targets, status, details)
         VALUES ($1, $2, $3, 'started', $4) RETURNING id`,
        [entry.actor, entry.action, entry.targets, entry.details ?? {}],
      ));
    } catch (err) {
      this.logger.error({ err, action: entry.action }, 'could not write an audit entry');
      throw new MosaicError(
        ErrorCode.AUDIT_UNAVAILABLE,
        `The audit log (PostgreSQL) is unavailable, so this operation (${entry.action}) was not run; retry later`,
      );
    }
    const id = rows[0]!.id;
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
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit_log
       WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR action = $2)
       ORDER BY id DESC LIMIT $3`,
      [options.after, options.action, options.first + 1],
    );
    return {
      entries: rows.slice(0, options.first).map(toEntry),
      hasNextPage: rows.length > options.first,
    };
  }

  private async finish(
    id: string,
    status: 'done' | 'failed',
    details: Record<string, unknown>,
  ): Promise<void> {
    // The operation happened (or failed) whatever this write does: a lost completion
    // leaves the entry `started`, which is logged rather than reported to the caller.
    await this.pool
      .query(
        `UPDATE audit_log SET status = $2, details = details || $3::jsonb, finished_at = now()
         WHERE id = $1`,
        [id, status, details],
      )
      .catch((err: unknown) =>
        this.logger.error({ err, auditId: id, status }, 'could not complete an audit entry'),
      );
  }
}

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: AuditAction;
  targets: string[];
  status: AuditEntry['status'];
  details: Record<string, unknown>;
  finished_at: Date | null;
}

function toEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    targets: r.targets,
    status: r.status,
    details: r.details,
    finishedAt: r.finished_at,
  };
}
