import type { SegmentMembership } from '../segments/segmentMembership';
import type { SegmentSubjectDoc } from '../store/models';
import { seededRandom } from '../seededRandom';
import { changedShare, matchClusters } from './clusterIdentity';
import { nearestCentroid } from './clusterQuality';
import { fitScaler, type FittedFeature } from './featureScaling';
import { searchK } from './kmeansSearch';
import { searchWard } from './wardSearch';
import { featureRow, PROFILE_FEATURES, type ProfileFeature } from './profileFeatures';

/** What a run needs to know of its clustering definition. */
export interface RunSettings {
  /** Feature names (see `PROFILE_FEATURES`); all of them when absent. */
  features?: readonly string[];
  /** The k range searched; a fixed k is a range of one. */
  k: { min: number; max: number };
  seed: number;
  /** K-means (the default) or Ward's agglomerative clustering (nested segments). */
  algorithm?: 'KMEANS' | 'WARD';
  /** Profiles the fit sees (a seeded uniform sample); every profile is then assigned. */
  sampleSize: number;
  /**
   * How far (in robust standard deviations, over the features) a cluster may have moved
   * since the previous run and still be the same segment.
   */
  maxCentroidShift?: number;
}

/** A previous run, for stable ids and the changed share. */
export interface PreviousRun {
  clusters: readonly { id: string; centroid: readonly number[] }[];
  assignments: ReadonlyMap<string, string>;
}

export interface ClusterSummary {
  id: string;
  size: number;
  /** In the features' original units, in `features` order. */
  centroid: number[];
  description: string;
}

export interface ClusteringRunResult {
  features: string[];
  k: number;
  perK: { k: number; silhouette: number; inertia: number }[];
  clusters: ClusterSummary[];
  /** Previous clusters no cluster of this run continues. */
  retired: string[];
  /** Share of the profiles in both runs whose cluster changed. */
  changedShare: number;
  assignments: Map<string, string>;
  /** What assigns a profile later (enrichment, between refits): scaler and scaled centroids. */
  model: { scaler: FittedFeature[]; centroids: number[][] };
  profiles: number;
  sampled: number;
  timings: { sampleMs: number; fitMs: number; assignMs: number };
}

/** One pass over every profile's gold document; called twice (sample, then assign). */
export type SubjectStream = () => AsyncIterable<{
  id: string;
  subject: Pick<SegmentSubjectDoc, 'computed' | 'clusters'>;
}>;

const DEFAULT_MAX_SHIFT = 1.5;

/** Gold documents read per batch when streaming the store's profiles. */
const BATCH = 1_000;

/** Every profile's gold document, streamed from the store through one cursor in id order. */
export function storedSubjects(
  membership: Pick<SegmentMembership, 'computedInIdOrder'>,
  batchSize = BATCH,
  /** Only profiles that granted this consent purpose (a clustering's purpose). */
  consentPurpose: string | null = null,
): SubjectStream {
  return async function* () {
    for await (const doc of membership.computedInIdOrder(batchSize, { consentPurpose }))
      yield { id: doc._id, subject: doc };
  };
}

/**
 * One clustering run: a seeded uniform sample of the profiles (reservoir sampling, one
 * pass) is scaled and fitted (`searchK`), then every profile is streamed and assigned to
 * its nearest centroid, so memory holds the sample and the assignments, not the matrix.
 * Clusters take the previous run's ids where their centroids are close (`matchClusters`).
 */
export async function runClustering(
  stream: SubjectStream,
  settings: RunSettings,
  options: { now: Date; newId: () => string; previous?: PreviousRun | null },
): Promise<ClusteringRunResult> {
  const features = selectFeatures(settings.features);
  const started = Date.now();
  const { sample, profiles } = await reservoir(stream, features, settings, options.now);
  const sampled = Date.now();
  if (sample.length <= settings.k.max)
    throw new Error(
      `clustering: ${sample.length} profiles cannot make ${settings.k.max} clusters (k range ${settings.k.min}..${settings.k.max})`,
    );
  const scaler = fitScaler(features, sample);
  const scaled = sample.map((row) => scaler.scale(row));
  const { chosen, perK } =
    settings.algorithm === 'WARD'
      ? searchWard(scaled, settings.k.min, settings.k.max)
      : searchK(scaled, { kMin: settings.k.min, kMax: settings.k.max, seed: settings.seed });
  const fitted = Date.now();
  // Compared on the feature columns: a previous centroid, in original units, has no flags.
  const n = features.length;
  const previous = (options.previous?.clusters ?? []).map((c) => ({
    id: c.id,
    centroid: scaler.scale(c.centroid).slice(0, n),
  }));
  const { ids, retired } = matchClusters(
    previous,
    chosen.centroids.map((c) => c.slice(0, n)),
    { newId: options.newId, maxDistance: settings.maxCentroidShift ?? DEFAULT_MAX_SHIFT },
  );
  const assignments = new Map<string, string>();
  const sizes = new Array<number>(ids.length).fill(0);
  for await (const { id, subject } of stream()) {
    const nearest = nearestCentroid(
      scaler.scale(featureRow(subject, options.now, features)),
      chosen.centroids,
    );
    assignments.set(id, ids[nearest]!);
    sizes[nearest]!++;
  }
  const clusters = chosen.centroids.map((c, i) => {
    const centroid = scaler.unscale(c);
    return { id: ids[i]!, size: sizes[i]!, centroid, description: scaler.describe(centroid) };
  });
  return {
    features: features.map((f) => f.name),
    k: chosen.k,
    perK: perK.map(({ k, silhouette, inertia }) => ({ k, silhouette, inertia })),
    clusters,
    retired,
    changedShare: options.previous ? changedShare(options.previous.assignments, assignments) : 0,
    assignments,
    model: { scaler: scaler.features, centroids: chosen.centroids },
    profiles,
    sampled: sample.length,
    timings: {
      sampleMs: sampled - started,
      fitMs: fitted - sampled,
      assignMs: Date.now() - fitted,
    },
  };
}

function selectFeatures(names: readonly string[] | undefined): ProfileFeature[] {
  if (names === undefined) return [...PROFILE_FEATURES];
  return names.map((name) => {
    const feature = PROFILE_FEATURES.find((f) => f.name === name);
    if (feature === undefined)
      throw new Error(
        `features: no feature "${name}"; known: ${PROFILE_FEATURES.map((f) => f.name).join(', ')}`,
      );
    return feature;
  });
}

/** Algorithm R over one pass, seeded: every profile is equally likely to be in the sample. */
async function reservoir(
  stream: SubjectStream,
  features: ProfileFeature[],
  settings: RunSettings,
  now: Date,
): Promise<{ sample: (number | null)[][]; profiles: number }> {
  const random = seededRandom(settings.seed);
  const sample: (number | null)[][] = [];
  let seen = 0;
  for await (const { subject } of stream()) {
    seen++;
    if (sample.length < settings.sampleSize) sample.push(featureRow(subject, now, features));
    else {
      const j = random.int(0, seen - 1);
      if (j < settings.sampleSize) sample[j] = featureRow(subject, now, features);
    }
  }
  return { sample, profiles: seen };
}
