import type { Pool } from 'pg';
import type { AuditAction, AuditEntry, AuditTrail } from '../../audit/auditLog';

/** The audit trail in `audit_log`. */
export class PostgresAuditTrail implements AuditTrail {
  constructor(private readonly pool: Pool) {}

  async start(entry: {
    actor: string;
    action: AuditAction;
    targets: string[];
    details: Record<string, unknown>;
  }): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO audit_log (actor, action, targets, status, details)
       VALUES ($1, $2, $3, 'started', $4) RETURNING id`,
      [entry.actor, entry.action, entry.targets, entry.details],
    );
    return rows[0]!.id;
  }

  async finish(
    id: string,
    status: 'done' | 'failed',
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.pool.query(
      `UPDATE audit_log SET status = $2, details = details || $3::jsonb, finished_at = now()
       WHERE id = $1`,
      [id, status, details],
    );
  }

  async newestFirst(query: {
    before: string | null;
    action: AuditAction | null;
    limit: number;
  }): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit_log
       WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR action = $2)
       ORDER BY id DESC LIMIT $3`,
      [query.before, query.action, query.limit],
    );
    return rows.map(toEntry);
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
