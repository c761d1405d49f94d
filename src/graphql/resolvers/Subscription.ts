import type { GraphQLContext } from '../context';
import type { SubscriptionResolvers } from '../generated/resolvers-types';
import { profileUpdatedChannel, type ProfileUpdatedMessage } from '../../services';

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
};
