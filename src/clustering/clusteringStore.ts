import type { ClusteringDoc, ClusteringModel, ClusteringRunDoc } from './clusteringModels';

/**
 * Where clustering definitions and their runs are kept. Definitions are few and read
 * whole; each write is to one document. The checks a definition must pass live in
 * `ClusteringDefinitions`, not here.
 */
export interface ClusteringStore {
  list(): Promise<ClusteringDoc[]>;
  get(id: string): Promise<ClusteringDoc | null>;
  /** False when a clustering with that id exists already. */
  insert(doc: ClusteringDoc): Promise<boolean>;
  /** False when there was no such clustering. */
  delete(id: string): Promise<boolean>;
  /** Replaces the current model, one single-document update. */
  setModel(id: string, model: ClusteringModel, updatedAt: Date): Promise<void>;
  /**
   * Takes the clustering's refit lease until `until` unless another refit holds it at
   * `now`; false when it is held.
   */
  claimRefit(id: string, until: Date, now: Date): Promise<boolean>;
  releaseRefit(id: string): Promise<void>;
  /** Inserts or replaces a run (written when it starts and when it ends). */
  putRun(run: ClusteringRunDoc): Promise<void>;
  /** A clustering's latest runs, newest first. */
  runs(clusteringId: string, limit: number): Promise<ClusteringRunDoc[]>;
  deleteRuns(clusteringId: string): Promise<void>;
}
