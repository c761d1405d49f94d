import type { Logger } from 'pino';
import { seesPersonalData } from '../../auth/roles';
import type { GraphQLContext } from '../context';
import type { SubscriptionResolvers } from '../generated/resolvers-types';
import { profileUpdatedChannel, type ProfileUpdatedMessage } from '../../profiles/profileUpdates';
import {
  ALL_SEGMENT_ALERTS_CHANNEL,
  segmentAlertChannel,
  segmentChannel,
  type SegmentChangeMessage,
} from '../../segments/segmentModels';
import type { SegmentAlertMessage } from '../../segments/healthRecorder';

/**
 * A subscription's operation lasts as long as the subscription, so each message is read
 * with a fresh reader (`newProfileReader`, `newSegmentReader`), never the operation's cache.
 */
type SubscriptionContext = Pick<
  GraphQLContext,
  'pubsub' | 'segmentDefinitions' | 'newProfileReader' | 'newSegmentReader' | 'principal' | 'logger'
>;

export const Subscription: SubscriptionResolvers<SubscriptionContext> = {
  profileUpdated: {
    subscribe: (_, { id }, { pubsub }) =>
      pubsub.subscribe<ProfileUpdatedMessage>(profileUpdatedChannel(id)),
    // The message carries only the id; load the current profile for this subscriber.
    resolve: async (
      message: ProfileUpdatedMessage,
      _args: unknown,
      { newProfileReader }: SubscriptionContext,
    ) => {
      const profile = await newProfileReader().byId(message.profileId);
      if (profile === null) throw new Error(`Profile ${message.profileId} announced but not found`);
      return profile;
    },
  },
  segmentMembershipChanged: {
    subscribe: async (_, { segmentId }, context) =>
      changesVisibleTo(context, await segmentChanges(context, segmentId)),
    resolve: (message: SegmentChangeMessage) => changeFromMessage(message),
  },
  segmentAlert: {
    subscribe: async (_, { segmentId }, context) => {
      if (segmentId != null) await context.segmentDefinitions.require(segmentId, 'segmentId');
      const alerts = context.pubsub.subscribe<SegmentAlertMessage>(
        segmentId == null ? ALL_SEGMENT_ALERTS_CHANNEL : segmentAlertChannel(segmentId),
      );
      if (seesPersonalData(context.principal.role)) return alerts;
      // A floored segment's alerts would tell the sizes its floor hides.
      return filtered(
        alerts,
        context.logger,
        async (m) => !(await context.newSegmentReader().healthWithheld(m.segmentId, false)),
      );
    },
    resolve: (message: SegmentAlertMessage) => ({ ...message, at: new Date(message.at) }),
  },
  segmentStats: {
    subscribe: (_, { segmentId }, context) => segmentChanges(context, segmentId),
    // Below the privacy floor, a caller who may not see personal data gets size 0 and no
    // change: it would name the profile (src/segments/segmentReader.ts).
    resolve: async (
      message: SegmentChangeMessage,
      _args: unknown,
      { newSegmentReader, principal }: SubscriptionContext,
    ) => {
      const stats = await newSegmentReader().visibleStats(
        message.segmentId,
        seesPersonalData(principal.role),
      );
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
async function segmentChanges(
  { segmentDefinitions, pubsub }: SubscriptionContext,
  segmentId: string,
): Promise<AsyncIterableIterator<SegmentChangeMessage>> {
  await segmentDefinitions.require(segmentId, 'segmentId');
  return pubsub.subscribe<SegmentChangeMessage>(segmentChannel(segmentId));
}

/**
 * The changes a caller may hear of: for one who may not see personal data, none while
 * the segment's members are withheld from them (each change names a member).
 */
function changesVisibleTo(
  { principal, logger, newSegmentReader }: SubscriptionContext,
  changes: AsyncIterableIterator<SegmentChangeMessage>,
): AsyncIterableIterator<SegmentChangeMessage> {
  if (seesPersonalData(principal.role)) return changes;
  return filtered(changes, logger, async (message) => {
    return newSegmentReader().changeVisible(message.segmentId, false);
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
