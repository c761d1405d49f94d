import type { FittedFeature } from './featureScaling';

export type ClusteringAlgorithm = 'KMEANS' | 'WARD';

/** A clustering definition (#23): what is clustered, how, how often, and its current model. */
export interface ClusteringDoc {
  /** Stable id: the name's slug (`customer-behaviour`). */
  _id: string;
  name: string;
  /** Feature names, from `PROFILE_FEATURES`, in the order the model's columns use. */
  features: string[];
  algorithm: ClusteringAlgorithm;
  /** The k range searched (by silhouette); a fixed k is a range of one. */
  k: { min: number; max: number };
  /** Profiles the fit sees, a seeded uniform sample; every profile is then assigned. */
  sampleSize: number;
  seed: number;
  /** Refit every this many ms (a BullMQ schedule); null: only on demand. */
  refreshEveryMs: number | null;
  /** Only profiles that granted this consent purpose are clustered; null: all. */
  purpose: string | null;
  /** What enrichment assigns profiles with between refits; null before the first run. */
  model: ClusteringModel | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A fitted run kept for assignment: the scaler and the centroids in scaled units. */
export interface ClusteringModel {
  runId: string;
  fittedAt: Date;
  /** The scaler's fitted features (plain data, see `scalerOf`). */
  scaler: FittedFeature[];
  clusters: { id: string; segmentId: string; centroid: number[] }[];
}

export interface ClusterRunSummary {
  id: string;
  segmentId: string;
  size: number;
  /** In the features' original units, in the definition's feature order. */
  centroid: number[];
  description: string;
}

/** One refresh of a clustering, kept as its history. */
export interface ClusteringRunDoc {
  _id: string;
  clusteringId: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** What asked: `scheduled`, `on demand` … */
  reason: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Present once SUCCEEDED. */
  result: {
    /** Feature names, in the order of each centroid's values. */
    features: string[];
    k: number;
    perK: { k: number; silhouette: number; inertia: number }[];
    clusters: ClusterRunSummary[];
    retired: string[];
    changedShare: number;
    profiles: number;
    sampled: number;
    /** Profiles the run re-assigned (written) because their cluster changed. */
    reassigned: number;
    timings: { sampleMs: number; fitMs: number; assignMs: number; membershipMs: number };
  } | null;
  error: string | null;
}

/** A centroid's values named by their features (how segments and the API show one). */
export const centroidByFeature = (
  features: readonly string[],
  centroid: readonly number[],
): { feature: string; value: number }[] =>
  features.map((feature, j) => ({ feature, value: centroid[j]! }));

/** The segment id of a cluster: unchanged while the cluster keeps its id across runs. */
export const clusterSegmentId = (clusteringId: string, clusterId: string): string =>
  `${clusteringId}--${clusterId}`;
