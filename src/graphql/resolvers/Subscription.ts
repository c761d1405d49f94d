import type { GraphQLContext } from '../context';
import type { SubscriptionResolvers } from '../generated/resolvers-types';
import { profileUpdatedChannel, type ProfileUpdatedMessage, type Services } from '../../services';
import { segmentChannel, type SegmentChangeMessage } from '../../segments/segmentModels';

export const Subscription: SubscriptionResolvers = {
  profileUpdated: {
    subscribe: (_, { id }, { services }) =>
      services.pubsub.subscribe<ProfileUpdatedMessage>(profileUpdatedChannel(id)),
    // The message carries only the id; load the current profile for this subscriber.
    resolve: async (
      message: ProfileUpdatedMessage,
      _args: unknown,
      { services }: GraphQLContext,
    ) => {
      const profile = await services.newProfileReader().byId(message.profileId);
      if (profile === null) throw new Error(`Profile ${message.profileId} announced but not found`);
      return profile;
    },
  },
  segmentMembershipChanged: {
    subscribe: (_, { segmentId }, { services }) => segmentChanges(services, segmentId),
    resolve: (message: SegmentChangeMessage) => changeFromMessage(message),
  },
  segmentStats: {
    subscribe: (_, { segmentId }, { services }) => segmentChanges(services, segmentId),
    resolve: async (
      message: SegmentChangeMessage,
      _args: unknown,
      { services }: GraphQLContext,
    ) => ({
      segmentId: message.segmentId,
      size: await services.newSegmentReader().size(message.segmentId),
      lastChange: changeFromMessage(message),
    }),
  },
};

/** The segment's change messages, from any worker; NOT_FOUND for an unknown segment. */
async function segmentChanges(services: Services, segmentId: string) {
  await services.segments.require(segmentId, 'segmentId');
  return services.pubsub.subscribe<SegmentChangeMessage>(segmentChannel(segmentId));
}

function changeFromMessage(message: SegmentChangeMessage) {
  return {
    _id: `${message.segmentId}:${message.profileId}:${message.at}`,
    segmentId: message.segmentId,
    profileId: message.profileId,
    change: message.change,
    at: new Date(message.at),
    reason: message.reason,
  };
}
