import type { Logger } from 'pino';
import type { PubSub } from '../pubsub/pubSub';
import type { ProfileDoc } from '../store/models';

/** Where `profileUpdated` subscribers of one profile listen, on every gateway replica. */
export const profileUpdatedChannel = (profileId: string): string => `profile-updated:${profileId}`;

export interface ProfileUpdatedMessage {
  profileId: string;
}

/**
 * What follows any change to a profile's view, whichever process made it (a gateway
 * writing a contact, a worker's rematch or accepted review): the profiles are queued for
 * enrichment, and every profile the change touched is announced to `profileUpdated`
 * subscribers. The identity graph of every process is built with this listener, so a
 * merge made by a worker reaches a dashboard as one made by a gateway does. Neither step
 * ever fails the write that caused it.
 */
export function announceProfileChanges(deps: {
  enrich: (profileIds: string[]) => Promise<void>;
  pubsub: PubSub;
  logger: Logger;
}): (view: ProfileDoc, affectedIds: string[]) => void {
  return (view, affectedIds) => {
    void deps.enrich([view._id, ...affectedIds.filter((id) => id !== view._id)]);
    const message: ProfileUpdatedMessage = { profileId: view._id };
    for (const id of affectedIds)
      deps.pubsub
        .publish(profileUpdatedChannel(id), message)
        .catch((err: unknown) =>
          deps.logger.warn({ err, profileId: id }, 'could not publish profile update'),
        );
  };
}
