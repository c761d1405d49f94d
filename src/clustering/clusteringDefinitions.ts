import { parsePurpose } from '../consent/consent';
import { badInput, ErrorCode, MosaicError } from '../errors';
import { checkName, slug } from '../segments/segmentDefinitions';
import type { ClusteringAlgorithm, ClusteringDoc, ClusteringModel } from './clusteringModels';
import type { ClusteringStore } from './clusteringStore';
import { PROFILE_FEATURES } from './profileFeatures';

/** What a client sends to define a clustering (GraphQL `ClusteringInput`). */
export interface ClusteringInput {
  name: string;
  features?: string[] | null;
  algorithm?: ClusteringAlgorithm | null;
  /** A fixed k, or the range `kMin..kMax` searched by silhouette. */
  k?: number | null;
  kMin?: number | null;
  kMax?: number | null;
  sampleSize?: number | null;
  seed?: number | null;
  refreshEveryMinutes?: number | null;
  purpose?: string | null;
}

export const CLUSTERING_DEFAULTS = { kMin: 2, kMax: 10, sampleSize: 20_000, seed: 1 } as const;
const K_LIMIT = 20;
const SAMPLE_LIMITS = { min: 100, max: 200_000 };
/** Ward's merge tree is quadratic in memory: its sample is kept small. */
const WARD_SAMPLE_MAX = 2_000;
const MINUTES_LIMITS = { min: 1, max: 7 * 24 * 60 };
/** How stale another process's list (and model) may be: a refit waits this long before re-assigning. */
export const CLUSTERINGS_CACHE_MS = 2_000;

/** Clustering definitions, checked before they are stored, and their current models. */
export class ClusteringDefinitions {
  private cache: { at: number; clusterings: ClusteringDoc[] } | null = null;

  constructor(private readonly store: ClusteringStore) {}

  async list(): Promise<ClusteringDoc[]> {
    return (await this.store.list()).sort((a, b) => (a._id < b._id ? -1 : 1));
  }

  /** At most a couple of seconds old: enrichment assigns every changed profile with it. */
  async listCached(now = Date.now()): Promise<ClusteringDoc[]> {
    if (this.cache === null || now - this.cache.at > CLUSTERINGS_CACHE_MS)
      this.cache = { at: now, clusterings: await this.list() };
    return this.cache.clusterings;
  }

  get(id: string): Promise<ClusteringDoc | null> {
    return this.store.get(id);
  }

  async require(id: string, field: string): Promise<ClusteringDoc> {
    const found = await this.get(id);
    if (found === null) throw new MosaicError(ErrorCode.NOT_FOUND, `No clustering ${id}.`, field);
    return found;
  }

  async define(input: ClusteringInput, now = new Date()): Promise<ClusteringDoc> {
    const doc = parseClustering(input, now);
    if (!(await this.store.insert(doc)))
      throw new MosaicError(
        ErrorCode.CONFLICT,
        `A clustering named like "${doc.name}" exists (id ${doc._id}).`,
        'input.name',
      );
    this.cache = null;
    return doc;
  }

  async setModel(id: string, model: ClusteringModel, now = new Date()): Promise<void> {
    await this.store.setModel(id, model, now);
    this.cache = null;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.store.delete(id);
    await this.store.deleteRuns(id);
    this.cache = null;
    return deleted;
  }

  runs(id: string, limit: number) {
    return this.store.runs(id, limit);
  }

  putRun: ClusteringStore['putRun'] = (run) => this.store.putRun(run);
  claimRefit: ClusteringStore['claimRefit'] = (id, until, now) =>
    this.store.claimRefit(id, until, now);
  releaseRefit: ClusteringStore['releaseRefit'] = (id) => this.store.releaseRefit(id);
}

/** Validates a definition as sent; errors name the field (`input.kMax`). */
export function parseClustering(input: ClusteringInput, now: Date): ClusteringDoc {
  const name = checkName(input.name);
  const features = parseFeatures(input.features);
  const algorithm = input.algorithm ?? 'KMEANS';
  if (algorithm !== 'KMEANS' && algorithm !== 'WARD')
    throw badInput('input.algorithm', 'expected KMEANS or WARD');
  const k = parseK(input);
  const defaultSample = algorithm === 'WARD' ? WARD_SAMPLE_MAX : CLUSTERING_DEFAULTS.sampleSize;
  const sampleMax = algorithm === 'WARD' ? WARD_SAMPLE_MAX : SAMPLE_LIMITS.max;
  const sampleSize = whole(input.sampleSize ?? defaultSample, 'input.sampleSize', {
    min: SAMPLE_LIMITS.min,
    max: sampleMax,
  });
  const seed = whole(input.seed ?? CLUSTERING_DEFAULTS.seed, 'input.seed', {
    min: 0,
    max: 2 ** 31 - 1,
  });
  const minutes =
    input.refreshEveryMinutes == null
      ? null
      : whole(input.refreshEveryMinutes, 'input.refreshEveryMinutes', MINUTES_LIMITS);
  return {
    _id: slug(name),
    name,
    features,
    algorithm,
    k,
    sampleSize,
    seed,
    refreshEveryMs: minutes === null ? null : minutes * 60_000,
    purpose: input.purpose == null ? null : parsePurpose(input.purpose, 'input.purpose'),
    model: null,
    createdAt: now,
    updatedAt: now,
  };
}

function parseFeatures(features: string[] | null | undefined): string[] {
  const known = PROFILE_FEATURES.map((f) => f.name);
  if (features == null) return known;
  if (features.length === 0) throw badInput('input.features', 'name at least one feature');
  features.forEach((name, i) => {
    if (!known.includes(name))
      throw badInput(`input.features[${i}]`, `no feature "${name}"; known: ${known.join(', ')}`);
    if (features.indexOf(name) !== i)
      throw badInput(`input.features[${i}]`, `"${name}" is named twice`);
  });
  return [...features];
}

function parseK(input: ClusteringInput): { min: number; max: number } {
  const limits = { min: 2, max: K_LIMIT };
  if (input.k != null) {
    if (input.kMin != null || input.kMax != null)
      throw badInput('input.k', 'give either k or kMin/kMax, not both');
    const k = whole(input.k, 'input.k', limits);
    return { min: k, max: k };
  }
  const min = whole(input.kMin ?? CLUSTERING_DEFAULTS.kMin, 'input.kMin', limits);
  const max = whole(input.kMax ?? Math.max(min, CLUSTERING_DEFAULTS.kMax), 'input.kMax', limits);
  if (max < min) throw badInput('input.kMax', `must be at least kMin (${min})`);
  return { min, max };
}

function whole(value: number, field: string, { min, max }: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `expected a whole number from ${min} to ${max}, got ${value}`);
  return value;
}
