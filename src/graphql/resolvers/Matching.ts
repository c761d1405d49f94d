import { ErrorCode, MosaicError } from '../../errors';
import type { MatchingService } from '../../matching/matchingService';
import type { GraphQLContext } from '../context';
import type {
  MutationResolvers,
  QueryResolvers,
  ReviewItemResolvers,
} from '../generated/resolvers-types';

type MatchingContext = Pick<
  GraphQLContext,
  'matching' | 'identityAdmin' | 'audit' | 'principal' | 'profiles'
>;

/** Matching is optional (MOSAIC_MATCHING=off); its operations then say so. */
function matching(context: Pick<MatchingContext, 'matching'>): MatchingService {
  if (context.matching === null)
    throw new MosaicError(
      ErrorCode.BAD_USER_INPUT,
      'probabilistic matching is switched off on this deployment (MOSAIC_MATCHING=off)',
    );
  return context.matching;
}

/** Who did it, for the merge log: the credential's subject (`key:<id>`, `jwt:<sub>`). */
const actor = (context: MatchingContext): string => context.principal.subject;

export const MatchingQuery: Pick<
  QueryResolvers<MatchingContext>,
  'matchExplanation' | 'reviewQueue' | 'matchModel'
> = {
  matchExplanation: (_, { profileA, profileB }, context) =>
    matching(context).explain(profileA, profileB),
  reviewQueue: async (_, { first, after }, context) => {
    const page = await matching(context).reviewPage(first, after);
    return {
      edges: page.items.map((node) => ({ cursor: node.id, node })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.id ?? null },
    };
  },
  matchModel: async (_, __, context) => {
    const m = matching(context);
    const model = await m.models.latest();
    return {
      version: model.version,
      trainedAt: model.trainedAt,
      ...model.trainedOn,
      prior: model.prior,
      thresholds: m.matcher.thresholds,
    };
  },
};

export const MatchingMutation: Pick<
  MutationResolvers<MatchingContext>,
  'mergeProfiles' | 'unmergeProfile' | 'resolveReview'
> = {
  mergeProfiles: (_, { profileId, otherProfileId, note }, context) =>
    context.audit.run(
      {
        actor: actor(context),
        action: 'profiles_merged',
        targets: [profileId, otherProfileId],
      },
      () => context.identityAdmin.merge(profileId, otherProfileId, note ?? null, actor(context)),
      (view) => ({ survivorId: view._id }),
    ),
  unmergeProfile: (_, { profileId, recordIds }, context) =>
    context.audit.run(
      {
        actor: actor(context),
        action: 'profile_unmerged',
        targets: [profileId],
        details: { recordIds },
      },
      async () => {
        const result = await context.identityAdmin.unmerge(profileId, recordIds, actor(context));
        return {
          unmergeId: result.unmerge._id,
          remaining: result.remaining,
          split: result.split,
          movedProfileIds: result.unmerge.movedProfileIds,
        };
      },
      (r) => ({ unmergeId: r.unmergeId, movedProfileIds: r.movedProfileIds }),
    ),
  resolveReview: (_, { id, decision }, context) =>
    context.audit.run(
      { actor: actor(context), action: 'review_resolved', targets: [id], details: { decision } },
      () => matching(context).resolveReview(id, decision, actor(context)),
    ),
};

export const ReviewItem: ReviewItemResolvers<Pick<GraphQLContext, 'profiles'>> = {
  profile: (r, _, { profiles }) => profiles.byId(r.profileId),
  candidateProfile: (r, _, { profiles }) => profiles.byId(r.candidateProfileId),
  score: (r) => ({
    recordId: r.recordId,
    otherRecordId: r.candidateRecordId,
    probability: r.probability,
    totalWeight: r.score.total,
    modelVersion: r.modelVersion,
    fields: r.score.fields.map((f) => ({ field: f.field, level: f.level, weight: f.weight })),
  }),
};
