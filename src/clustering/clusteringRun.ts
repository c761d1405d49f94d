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
  /** Past this many profiles the assignment streams the store again (default a million). */
  keepRowsMax?: number;
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
 * One clustering run: one pass over the profiles draws a seeded uniform sample (reservoir
 * sampling) and keeps every feature row, packed; the sample is scaled and fitted
 * (`searchK`, or `searchWard`), then every row is assigned to its nearest centroid in
 * memory. Past a million profiles the rows are not kept and the assignment streams the
 * store a second time (a read of the store costs more than the assignment itself).
 * Clusters take the previous run's ids where their centroids are close (`matchClusters`).
 */
export async function runClustering(
  stream: SubjectStream,
  settings: RunSettings,
  options: { now: Date; newId: () => string; previous?: PreviousRun | null },
): Promise<ClusteringRunResult> {
  const features = selectFeatures(settings.features);
  const started = Date.now();
  const { sample, profiles, kept } = await reservoir(stream, features, settings, options.now);
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
  const assign = (id: string, row: readonly (number | null)[]) => {
    const nearest = nearestCentroid(scaler.scale(row), chosen.centroids);
    assignments.set(id, ids[nearest]!);
    sizes[nearest]!++;
  };
  if (kept !== null) kept.forEach(assign);
  else
    for await (const { id, subject } of stream())
      assign(id, featureRow(subject, options.now, features));
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

/**
 * Feature rows kept from the first pass, packed (8 bytes a value, NaN for missing), so the
 * assignment needs no second read of the store; dropped past `KEEP_ROWS_MAX` profiles,
 * where the assignment streams the store again instead.
 */
class KeptRows {
  private values: Float64Array;
  readonly ids: string[] = [];

  constructor(private readonly width: number) {
    this.values = new Float64Array(width * 1_024);
  }

  push(id: string, row: readonly (number | null)[]): void {
    const at = this.ids.length * this.width;
    if (at + this.width > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    row.forEach((x, j) => (this.values[at + j] = x ?? Number.NaN));
    this.ids.push(id);
  }

  forEach(visit: (id: string, row: (number | null)[]) => void): void {
    const row = new Array<number | null>(this.width);
    this.ids.forEach((id, i) => {
      for (let j = 0; j < this.width; j++) {
        const x = this.values[i * this.width + j]!;
        row[j] = Number.isNaN(x) ? null : x;
      }
      visit(id, row);
    });
  }
}

/** Past this many profiles (about 100 MB of rows and ids), the assignment reads the store again. */
const KEEP_ROWS_MAX = 1_000_000;

/** Algorithm R over one pass, seeded: every profile is equally likely to be in the sample. */
async function reservoir(
  stream: SubjectStream,
  features: ProfileFeature[],
  settings: RunSettings,
  now: Date,
): Promise<{ sample: (number | null)[][]; profiles: number; kept: KeptRows | null }> {
  const random = seededRandom(settings.seed);
  const sample: (number | null)[][] = [];
  let kept: KeptRows | null = new KeptRows(features.length);
  let seen = 0;
  for await (const { id, subject } of stream()) {
    seen++;
    const row = featureRow(subject, now, features);
    if (kept !== null && seen > (settings.keepRowsMax ?? KEEP_ROWS_MAX)) kept = null;
    kept?.push(id, row);
    if (sample.length < settings.sampleSize) sample.push(row);
    else {
      const j = random.int(0, seen - 1);
      if (j < settings.sampleSize) sample[j] = row;
    }
  }
  return { sample, profiles: seen, kept };
}
