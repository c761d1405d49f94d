import { hasConsent } from '../consent/consent';
import type { SegmentSubjectDoc } from '../store/models';
import type { ClusteringDoc, ClusteringModel } from './clusteringModels';
import { nearestCentroid } from './clusterQuality';
import { scalerOf, type Scaler } from './featureScaling';
import { featureRow, PROFILE_FEATURES, type ProfileFeature } from './profileFeatures';

interface Assigner {
  features: ProfileFeature[];
  scaler: Scaler;
  centroids: number[][];
  ids: string[];
}

/** Assigners by model run: a model is rebuilt from its plain data once, not per profile. */
const assigners = new Map<string, Assigner>();
const MAX_CACHED = 64;

function assignerOf(features: readonly string[], model: ClusteringModel): Assigner {
  let assigner = assigners.get(model.runId);
  if (assigner === undefined) {
    if (assigners.size >= MAX_CACHED) assigners.delete(assigners.keys().next().value!);
    assigner = {
      features: features.map((name) => PROFILE_FEATURES.find((f) => f.name === name)!),
      scaler: scalerOf(model.scaler),
      centroids: model.clusters.map((c) => c.centroid),
      ids: model.clusters.map((c) => c.id),
    };
    assigners.set(model.runId, assigner);
  }
  return assigner;
}

/**
 * Each clustering's cluster for one profile, by its latest model: the nearest centroid
 * to the profile's features (scaled as the model was fitted). Enrichment calls this on
 * every profile change, so memberships of cluster segments follow the data between
 * refits. A clustering with a purpose leaves out profiles that have not granted it, and
 * one not yet run assigns nobody.
 */
export function assignClusters(
  clusterings: readonly ClusteringDoc[],
  subject: Pick<SegmentSubjectDoc, 'computed' | 'traits'>,
  now: Date,
): Record<string, string> {
  const clusters: Record<string, string> = {};
  for (const clustering of clusterings) {
    if (clustering.model === null || clustering.model.clusters.length === 0) continue;
    if (clustering.purpose && !hasConsent(subject.traits, clustering.purpose)) continue;
    const assigner = assignerOf(clustering.features, clustering.model);
    const row = assigner.scaler.scale(featureRow(subject, now, assigner.features));
    clusters[clustering._id] = assigner.ids[nearestCentroid(row, assigner.centroids)]!;
  }
  return clusters;
}
