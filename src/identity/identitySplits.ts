import type { PubSub } from '../pubsub/pubSub';

/** Profiles whose merge pointers an unmerge changed: every process forgets what it cached of them. */
export const IDENTITY_SPLITS_CHANNEL = 'identity-splits';

export interface IdentitySplitMessage {
  profileIds: string[];
}

/** Tells every process (this one included, through its own subscription) about an unmerge. */
export async function announceSplit(pubsub: PubSub, profileIds: string[]): Promise<void> {
  const message: IdentitySplitMessage = { profileIds };
  await pubsub.publish(IDENTITY_SPLITS_CHANNEL, message);
}
