import type { GraphQLContext } from '../context';
import type {
  ClusteringResolvers,
  ClusteringRunResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../generated/resolvers-types';
import { centroidByFeature } from '../../clustering/clusteringModels';
import { badInput, ErrorCode, MosaicError } from '../../errors';
import { referencedClusterings } from '../../segments/rules/rule';

type ClusteringContext = Pick<
  GraphQLContext,
  'clusterings' | 'segments' | 'segmentDefinitions' | 'jobs'
>;

export const Clustering: ClusteringResolvers<ClusteringContext> = {
  id: (c) => c._id,
  kMin: (c) => c.k.min,
  kMax: (c) => c.k.max,
  refreshEveryMinutes: (c) => (c.refreshEveryMs === null ? null : c.refreshEveryMs / 60_000),
  segments: async (c, _, { segments }) =>
    (await segments.list())
      .filter((s) => s.cluster?.clusteringId === c._id)
      .sort((a, b) => b.cluster!.size - a.cluster!.size),
  runs: (c, { first }, { clusterings }) => {
    const limit = first ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw badInput('first', 'expected 1-100');
    return clusterings.runs(c._id, limit);
  },
};

export const ClusteringRun: ClusteringRunResolvers = {
  id: (r) => r._id,
  durationMs: (r) =>
    r.finishedAt === null ? null : r.finishedAt.getTime() - r.startedAt.getTime(),
  k: (r) => r.result?.k ?? null,
  perK: (r) => r.result?.perK ?? [],
  clusters: (r) =>
    (r.result?.clusters ?? []).map((c) => ({
      ...c,
      centroid: centroidByFeature(r.result!.features, c.centroid),
    })),
  changedShare: (r) => r.result?.changedShare ?? null,
  profiles: (r) => r.result?.profiles ?? null,
  sampled: (r) => r.result?.sampled ?? null,
  reassigned: (r) => r.result?.reassigned ?? null,
};

export const ClusteringQuery: Pick<
  QueryResolvers<ClusteringContext>,
  'clusterings' | 'clustering'
> = {
  clusterings: (_, __, { clusterings }) => clusterings.list(),
  clustering: (_, { id }, { clusterings }) => clusterings.get(id),
};

export const ClusteringMutation: Pick<
  MutationResolvers<ClusteringContext>,
  'defineClustering' | 'runClustering' | 'deleteClustering'
> = {
  defineClustering: async (_, { input }, { clusterings, jobs }) => {
    const clustering = await clusterings.define(input);
    await jobs?.scheduleClustering(clustering._id, clustering.refreshEveryMs);
    await jobs?.refreshClustering(clustering._id, 'defined');
    return clustering;
  },
  runClustering: async (_, { id }, { clusterings, jobs }) => {
    const clustering = await clusterings.require(id, 'id');
    await jobs?.refreshClustering(clustering._id, 'on demand');
    return clustering;
  },
  deleteClustering: async (_, { id }, { clusterings, segmentDefinitions, jobs }) => {
    if ((await clusterings.get(id)) === null) return false;
    // Its segments first: one a rule segment refers to stops the deletion here, whole.
    const all = await segmentDefinitions.list();
    const users = all.filter(
      (s) => s.kind !== 'CLUSTER' && referencedClusterings(s.rule).includes(id),
    );
    if (users.length > 0)
      throw new MosaicError(
        ErrorCode.CONFLICT,
        `Clustering ${id} is used by ${users.map((s) => s._id).join(', ')} (inCluster); change those first.`,
        'id',
      );
    const mine = all.filter((s) => s.cluster?.clusteringId === id);
    for (const segment of mine) await segmentDefinitions.refuseIfReferenced(segment._id);
    for (const segment of mine)
      await segmentDefinitions.delete(segment._id, { byClustering: true });
    await jobs?.scheduleClustering(id, null);
    return clusterings.delete(id);
  },
};
