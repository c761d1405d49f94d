import type { Pool } from 'pg';
import {
  BRONZE_PARTITIONS,
  revivePreparedEvent,
  erasureKeysOf,
  type Backlog,
  type BronzeEvents,
  type BronzeRow,
  type EventState,
  type Freshness,
  type LandingEvent,
} from '../../ingest/bronzeEvents';
import type { PreparedEvent } from '../../ingest/eventIngestionService';
import type { Lane } from '../../ingest/lanes';
import { inTransaction } from './connection';

/**
 * The partitions of batches that failed or whose worker died: nothing more of them is
 * applied until a recoverer has finished the batch (see migration 7).
 */
const HELD_BACK = `SELECT unnest(partitions) FROM pipeline_batches
                    WHERE abandoned OR lease_until < clock_timestamp()`;

/** Bronze events, partition leases and batch leases in PostgreSQL (migrations 6 and 7). */
export class PostgresBronzeEvents implements BronzeEvents {
  constructor(private readonly pg: Pool) {}

  async land(events: LandingEvent[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const { rows } = await this.pg.query<{ message_id: string }>(
      `INSERT INTO bronze_events (message_id, partition, lane, identity_keys, event)
       SELECT m, p, l, string_to_array(k, chr(31)), e
         FROM unnest($1::text[], $2::smallint[], $3::text[], $4::text[], $5::jsonb[]) AS t(m, p, l, k, e)
       ON CONFLICT (message_id) DO NOTHING
       RETURNING message_id`,
      [
        events.map((e) => e.event.messageId),
        events.map((e) => e.partition),
        events.map((e) => e.lane),
        events.map((e) => erasureKeysOf(e.event).join('\u001f')),
        events.map((e) => JSON.stringify(e.event)),
      ],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  async states(messageIds: string[]): Promise<Map<string, EventState>> {
    const { rows } = await this.pg.query<{
      message_id: string;
      applied: boolean;
      profile_id: string | null;
    }>(
      `SELECT message_id, applied_at IS NOT NULL AS applied, profile_id
         FROM bronze_events WHERE message_id = ANY($1::text[])`,
      [messageIds],
    );
    return new Map(
      rows.map((r) => [r.message_id, { applied: r.applied, profileId: r.profile_id }]),
    );
  }

  async backlog(): Promise<Backlog> {
    const { rows } = await this.pg.query<{ waiting: string; oldest: Date | null }>(
      `SELECT count(*) AS waiting, min(accepted_at) AS oldest
         FROM bronze_events WHERE applied_at IS NULL`,
    );
    return { waiting: Number(rows[0]!.waiting), oldestAcceptedAt: rows[0]!.oldest };
  }

  async freshness(windowMs: number): Promise<Freshness> {
    const { rows } = await this.pg.query<{ n: string; p50: number | null; p99: number | null }>(
      `SELECT count(*) AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99
         FROM (SELECT extract(epoch FROM applied_at - accepted_at)::float8 AS lag
                 FROM bronze_events
                WHERE applied_at > clock_timestamp() - make_interval(secs => $1)) recent`,
      [windowMs / 1000],
    );
    const r = rows[0]!;
    return { applied: Number(r.n), p50: r.p50, p99: r.p99 };
  }

  async waiting(partitions: number[], lane: Lane, limit: number): Promise<BronzeRow[]> {
    if (partitions.length === 0) return [];
    const { rows } = await this.pg.query<{
      seq: string;
      event: PreparedEvent;
      partition: number;
      accepted_at: Date;
    }>(
      `SELECT seq, event, partition, accepted_at FROM bronze_events
        WHERE applied_at IS NULL AND lane = $1 AND partition = ANY($2::smallint[])
          AND partition <> ALL (${HELD_BACK})
        ORDER BY seq LIMIT $3`,
      [lane, partitions, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      event: revivePreparedEvent(r.event),
      partition: r.partition,
      lane,
      acceptedAt: r.accepted_at,
    }));
  }

  async beginBatch(
    batchId: string,
    owner: string,
    leaseMs: number,
    events: { partition: number }[],
  ) {
    await this.pg.query(
      `INSERT INTO pipeline_batches (batch_id, owner, lease_until, events, partitions)
       VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3), $4, $5::smallint[])`,
      [batchId, owner, leaseMs / 1000, events.length, [...new Set(events.map((e) => e.partition))]],
    );
  }

  async finishBatch(batchId: string, applied: { seq: number; profileId: string | null }[]) {
    await inTransaction(this.pg, async (db) => {
      await db.query(
        `UPDATE bronze_events b SET applied_at = clock_timestamp(), profile_id = a.profile_id
           FROM unnest($1::bigint[], $2::text[]) AS a(seq, profile_id)
          WHERE b.seq = a.seq AND b.applied_at IS NULL`,
        [applied.map((a) => a.seq), applied.map((a) => a.profileId)],
      );
      await db.query('DELETE FROM pipeline_batches WHERE batch_id = $1', [batchId]);
    });
  }

  async renewBatches(owner: string, batchIds: string[], leaseMs: number) {
    if (batchIds.length === 0) return;
    await this.pg.query(
      `UPDATE pipeline_batches SET lease_until = clock_timestamp() + make_interval(secs => $3)
        WHERE owner = $1 AND batch_id = ANY($2::text[])`,
      [owner, batchIds, leaseMs / 1000],
    );
  }

  async takeAbandonedBatches(owner: string, leaseMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.pg.query<{ batch_id: string }>(
      `UPDATE pipeline_batches
          SET owner = $1, abandoned = true, lease_until = clock_timestamp() + make_interval(secs => $2)
        WHERE batch_id IN (SELECT batch_id FROM pipeline_batches
                            WHERE lease_until < clock_timestamp()
                            ORDER BY lease_until LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING batch_id`,
      [owner, leaseMs / 1000, limit],
    );
    return rows.map((r) => r.batch_id);
  }

  async abandonBatch(batchId: string) {
    await this.pg.query(
      `UPDATE pipeline_batches SET owner = '', abandoned = true, lease_until = '-infinity'
        WHERE batch_id = $1`,
      [batchId],
    );
  }

  async dropBatch(batchId: string) {
    await this.pg.query('DELETE FROM pipeline_batches WHERE batch_id = $1', [batchId]);
  }

  async leasePartitions(
    worker: string,
    leaseMs: number,
    busy: ReadonlySet<number>,
  ): Promise<number[]> {
    return inTransaction(this.pg, async (db) => {
      const secs = leaseMs / 1000;
      await db.query(
        `INSERT INTO pipeline_workers (worker, seen_at) VALUES ($1, clock_timestamp())
         ON CONFLICT (worker) DO UPDATE SET seen_at = excluded.seen_at`,
        [worker],
      );
      const live = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM pipeline_workers
          WHERE seen_at > clock_timestamp() - make_interval(secs => $1)`,
        [secs],
      );
      const share = Math.ceil(BRONZE_PARTITIONS / Math.max(1, Number(live.rows[0]!.n)));
      const renewed = await db.query<{ partition: number }>(
        `UPDATE pipeline_partitions SET lease_until = clock_timestamp() + make_interval(secs => $2)
          WHERE owner = $1 RETURNING partition`,
        [worker, secs],
      );
      const held = renewed.rows.map((r) => r.partition).sort((a, b) => a - b);
      if (held.length > share) {
        // Hand back the surplus a newcomer needs, but never a partition mid-batch.
        const spare = held.filter((p) => !busy.has(p)).slice(share - held.length);
        await db.query(
          `UPDATE pipeline_partitions SET owner = NULL, lease_until = '-infinity'
            WHERE owner = $1 AND partition = ANY($2::smallint[])`,
          [worker, spare],
        );
        return held.filter((p) => !spare.includes(p));
      }
      if (held.length === share) return held;
      const taken = await db.query<{ partition: number }>(
        `UPDATE pipeline_partitions SET owner = $1,
                lease_until = clock_timestamp() + make_interval(secs => $2)
          WHERE partition IN (SELECT partition FROM pipeline_partitions
                               WHERE owner IS NULL OR lease_until < clock_timestamp()
                               ORDER BY partition LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING partition`,
        [worker, secs, share - held.length],
      );
      return [...held, ...taken.rows.map((r) => r.partition)].sort((a, b) => a - b);
    });
  }

  async releaseWorker(worker: string) {
    await inTransaction(this.pg, async (db) => {
      await db.query(
        `UPDATE pipeline_partitions SET owner = NULL, lease_until = '-infinity' WHERE owner = $1`,
        [worker],
      );
      await db.query('DELETE FROM pipeline_workers WHERE worker = $1', [worker]);
    });
  }

  async workers(leaseMs: number) {
    const { rows } = await this.pg.query<{ worker: string; partitions: string }>(
      `SELECT w.worker, count(p.partition) AS partitions
         FROM pipeline_workers w
         LEFT JOIN pipeline_partitions p
           ON p.owner = w.worker AND p.lease_until > clock_timestamp()
        WHERE w.seen_at > clock_timestamp() - make_interval(secs => $1)
        GROUP BY w.worker ORDER BY w.worker`,
      [leaseMs / 1000],
    );
    return rows.map((r) => ({ worker: r.worker, partitions: Number(r.partitions) }));
  }

  async erase(identityKeys: string[]): Promise<number> {
    if (identityKeys.length === 0) return 0;
    const { rowCount } = await this.pg.query(
      'DELETE FROM bronze_events WHERE identity_keys && $1::text[]',
      [identityKeys],
    );
    return rowCount ?? 0;
  }

  async prune(before: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pg.query(
      `DELETE FROM bronze_events WHERE seq IN (
         SELECT seq FROM bronze_events WHERE applied_at < $1 ORDER BY applied_at LIMIT $2)`,
      [before, limit],
    );
    return rowCount ?? 0;
  }
}
