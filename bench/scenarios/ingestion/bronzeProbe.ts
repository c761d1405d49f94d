import { Pool } from 'pg';

/** The owner the bench leases every partition to while it fills the backlog. */
const GATE = 'bench-starting-gate';

export interface AppliedSpan {
  /** Events applied at or after `since`. */
  events: number;
  /** Of those, set aside (applied to no profile: the pipeline could not apply them). */
  setAside: number;
  last: Date | null;
}

export interface LagSummary {
  events: number;
  applied: number;
  /** False: some events were not applied when measured; the figures are lower bounds. */
  complete: boolean;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * The bench's direct view of one run's bronze tables in PostgreSQL (its own schema):
 * the backlog, the starting gate, and the accepted → applied times of chosen events.
 * Clocks are PostgreSQL's (`clock_timestamp()`), the same that stamps `applied_at`.
 */
export class BronzeProbe {
  private readonly pg: Pool;

  constructor(url: string, schema: string) {
    this.pg = new Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
  }

  /** Waits until the gateway's background migration has made the pipeline's tables. */
  async migrated(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.pg.query<{ ready: boolean }>(
        `SELECT to_regclass('pipeline_partitions') IS NOT NULL
            AND to_regclass('bronze_events') IS NOT NULL AS ready`,
      );
      if (rows[0]!.ready) {
        const { rows: n } = await this.pg.query<{ n: string }>(
          'SELECT count(*) AS n FROM pipeline_partitions',
        );
        if (Number(n[0]!.n) > 0) return;
      }
      if (Date.now() > deadline) throw new Error('the bronze tables were not migrated in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async waiting(): Promise<number> {
    const { rows } = await this.pg.query<{ n: string }>(
      'SELECT count(*) AS n FROM bronze_events WHERE applied_at IS NULL',
    );
    return Number(rows[0]!.n);
  }

  async now(): Promise<Date> {
    const { rows } = await this.pg.query<{ now: Date }>('SELECT clock_timestamp() AS now');
    return rows[0]!.now;
  }

  /**
   * Leases every partition to a worker that does not exist, for good: running workers
   * lose theirs at their next renewal, and workers started now register and wait,
   * holding nothing, until the gate opens. Returns when it closed.
   */
  async closeGate(): Promise<Date> {
    await this.pg.query(`UPDATE pipeline_partitions SET owner = $1, lease_until = 'infinity'`, [
      GATE,
    ]);
    return this.now();
  }

  /** Workers whose lease renewal ran after `since` (so they know what they hold now). */
  async seenSince(since: Date): Promise<number> {
    const { rows } = await this.pg.query<{ n: string }>(
      'SELECT count(*) AS n FROM pipeline_workers WHERE seen_at > $1',
      [since],
    );
    return Number(rows[0]!.n);
  }

  /** Frees the partitions: each waiting worker takes its share at its next lease renewal. */
  async openGate(): Promise<Date> {
    const { rows } = await this.pg.query<{ now: Date }>(
      `WITH freed AS (
         UPDATE pipeline_partitions SET owner = NULL, lease_until = '-infinity'
          WHERE owner = $1 RETURNING 1)
       SELECT clock_timestamp() AS now FROM (SELECT count(*) FROM freed) f`,
      [GATE],
    );
    return rows[0]!.now;
  }

  /** Live workers (seen within `leaseMs`). */
  async liveWorkers(leaseMs: number): Promise<number> {
    const { rows } = await this.pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM pipeline_workers
        WHERE seen_at > clock_timestamp() - make_interval(secs => $1)`,
      [leaseMs / 1000],
    );
    return Number(rows[0]!.n);
  }

  /** Partitions held by workers now, and by how many workers. */
  async held(): Promise<{ at: Date; partitions: number; owners: number }> {
    const { rows } = await this.pg.query<{ at: Date; partitions: string; owners: string }>(
      `SELECT clock_timestamp() AS at, count(*) AS partitions, count(DISTINCT owner) AS owners
         FROM pipeline_partitions
        WHERE owner IS NOT NULL AND owner <> $1 AND lease_until > clock_timestamp()`,
      [GATE],
    );
    const r = rows[0]!;
    return { at: r.at, partitions: Number(r.partitions), owners: Number(r.owners) };
  }

  async appliedSince(since: Date): Promise<AppliedSpan> {
    const { rows } = await this.pg.query<{ n: string; aside: string; last: Date | null }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE profile_id IS NULL) AS aside,
              max(applied_at) AS last
         FROM bronze_events WHERE applied_at >= $1`,
      [since],
    );
    const r = rows[0]!;
    return { events: Number(r.n), setAside: Number(r.aside), last: r.last };
  }

  /**
   * Accepted → applied of the events whose messageId starts with `prefix`. An event not
   * applied yet counts with the time it has waited so far: then every percentile is a
   * lower bound (`complete` false).
   */
  async lag(prefix: string): Promise<LagSummary> {
    const { rows } = await this.pg.query<{
      n: string;
      applied: string;
      p50: number | null;
      p99: number | null;
      max: number | null;
    }>(
      `SELECT count(*) AS n, count(applied_at) AS applied,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
              percentile_disc(0.99) WITHIN GROUP (ORDER BY lag) AS p99,
              max(lag) AS max
         FROM (SELECT applied_at,
                      extract(epoch FROM coalesce(applied_at, clock_timestamp()) - accepted_at)::float8
                        * 1000 AS lag
                 FROM bronze_events WHERE starts_with(message_id, $1)) t`,
      [prefix],
    );
    const r = rows[0]!;
    return {
      events: Number(r.n),
      applied: Number(r.applied),
      complete: Number(r.applied) === Number(r.n),
      p50Ms: r.p50 ?? Number.NaN,
      p99Ms: r.p99 ?? Number.NaN,
      maxMs: r.max ?? Number.NaN,
    };
  }

  /**
   * Drops every event still waiting (one measurement's leftovers, already measured) and
   * waits for the batches in flight to finish, so the next measurement starts level.
   */
  async discardWaiting(timeoutMs = 60_000): Promise<number> {
    const { rowCount } = await this.pg.query('DELETE FROM bronze_events WHERE applied_at IS NULL');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.pg.query<{ n: string }>(
        'SELECT count(*) AS n FROM pipeline_batches',
      );
      if (Number(rows[0]!.n) === 0) return rowCount ?? 0;
      if (Date.now() > deadline) throw new Error('pipeline batches still in flight after 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Deletes events the bench landed only to warm up (never to be applied). */
  async forget(prefix: string): Promise<number> {
    const { rowCount } = await this.pg.query(
      'DELETE FROM bronze_events WHERE starts_with(message_id, $1)',
      [prefix],
    );
    return rowCount ?? 0;
  }

  close(): Promise<void> {
    return this.pg.end();
  }
}
