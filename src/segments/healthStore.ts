import type { HealthAlert, HealthPoint } from './segmentHealth';

/** One stored point of a segment's health, with the alerts it raised. */
export interface HealthPointDoc extends HealthPoint {
  /** `<segmentId>:<at as ms>`: a job retried at the same instant writes it once. */
  _id: string;
  segmentId: string;
  /** Share of the previous point's members kept (see `stability`). */
  stability: number;
  /** What took it: `hourly`, `refresh`, `clustering <id> refit`. */
  reason: string;
  alerts: HealthAlert[];
}

/** Where segment health points are kept: insert-only, read newest first per segment. */
export interface SegmentHealthStore {
  /** Stores the point unless one with its id is stored already. */
  insert(point: HealthPointDoc): Promise<void>;
  /** A segment's latest points, newest first. */
  recent(segmentId: string, limit: number): Promise<HealthPointDoc[]>;
  /** Removes a deleted segment's history. */
  deleteSegment(segmentId: string): Promise<void>;
}
