import type { Logger } from 'pino';
import { seesPersonalData, type Principal } from '../../auth/roles';
import type { GraphQLContext } from '../context';
import type { SubscriptionResolvers } from '../generated/resolvers-types';
import { profileUpdatedChannel, type ProfileUpdatedMessage } from '../../profiles/profileUpdates';
import type { Services } from '../../services';
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
    subscribe: async (_, { segmentId }, { services, principal }) =>
      changesVisibleTo(principal, services, await segmentChanges(services, segmentId)),
    resolve: (message: SegmentChangeMessage) => changeFromMessage(message),
  },
  segmentStats: {
    subscribe: (_, { segmentId }, { services }) => segmentChanges(services, segmentId),
    // Below the privacy floor, a caller who may not see personal data gets size 0 and no
    // change: it would name the profile (src/segments/segmentReader.ts).
    resolve: async (
      message: SegmentChangeMessage,
      _args: unknown,
      { services, principal }: GraphQLContext,
    ) => {
      const stats = await services
        .newSegmentReader()
        .visibleStats(message.segmentId, seesPersonalData(principal.role));
      return {
        segmentId: message.segmentId,
        size: stats.size,
        sizeSuppressed: stats.suppressed,
        lastChange: stats.membersWithheld ? null : changeFromMessage(message),
      };
    },
  },
};

/** The segment's change messages, from any worker; NOT_FOUND for an unknown segment. */
async function segmentChanges(services: Services, segmentId: string) {
  await services.segments.require(segmentId, 'segmentId');
  return services.pubsub.subscribe<SegmentChangeMessage>(segmentChannel(segmentId));
}

/**
 * The changes a caller may hear of: for one who may not see personal data, none while
 * the segment's members are withheld from them (each change names a member).
 */
function changesVisibleTo(
  principal: Principal,
  services: Services,
  changes: AsyncIterableIterator<SegmentChangeMessage>,
): AsyncIterableIterator<SegmentChangeMessage> {
  if (seesPersonalData(principal.role)) return changes;
  return filtered(changes, services.logger, async (message) => {
    return services.newSegmentReader().changeVisible(message.segmentId, false);
  });
}

/**
 * `source` without the messages `keep` turns down (or fails on: withheld, logged).
 * `return()` reaches the source at once, even while a `next()` waits for a message: an
 * async generator would queue it behind that wait, and keep the channel subscribed.
 */
function filtered<T>(
  source: AsyncIterableIterator<T>,
  logger: Logger,
  keep: (message: T) => Promise<boolean>,
): AsyncIterableIterator<T> {
  const kept = (message: T) =>
    keep(message).catch((err: unknown) => {
      logger.warn({ err }, 'could not check a segment change; not sent');
      return false;
    });
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      for (;;) {
        const item = await source.next();
        if (item.done === true || (await kept(item.value))) return item;
      }
    },
    return: () => source.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
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
