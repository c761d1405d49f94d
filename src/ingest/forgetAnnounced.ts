import type { Logger } from 'pino';
import { profileLogName } from '../identity/identityGraph';
import { IDENTITY_SPLITS_CHANNEL, type IdentitySplitMessage } from '../identity/identitySplits';
import { PERSON_ERASURES_CHANNEL, type PersonErasureMessage } from '../privacy/privacyService';
import type { PubSub } from '../pubsub/pubSub';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import { eventLogName, type EventIngestionService } from './eventIngestionService';

/**
 * Ingestion caches what it learns in-process: merge pointers (which never change, except
 * by unmerge), and which profile owns an identifier value. Other processes' unmerges and
 * erasures are announced over pub/sub; this listens for both until the process stops.
 */
export function forgetWhatOthersChange(deps: {
  pubsub: PubSub;
  events: EventIngestionService;
  store: IdentityGraphStore;
  logger: Logger;
}): void {
  void forgetSplits(deps);
  void forgetErasures(deps);
}

/**
 * An unmerge anywhere makes every process forget the pointers it changed. Delivery is at
 * most once, so an unmerge's effect on a process that missed the message is bounded by
 * that process's cache: events still land in the log of the profile owning their ids.
 */
async function forgetSplits({
  pubsub,
  events,
  logger,
}: Parameters<typeof forgetWhatOthersChange>[0]): Promise<void> {
  try {
    for await (const message of pubsub.subscribe<IdentitySplitMessage>(IDENTITY_SPLITS_CHANNEL))
      events.forgetMerges(message.profileIds);
  } catch (err) {
    logger.warn({ err }, 'stopped listening for unmerges');
  }
}

/**
 * A person erased anywhere: every process forgets what ingestion and the logs cached of
 * their profiles (the identity cache is keyed by their identifier values). Announced
 * before anything is deleted; a process that misses the message can only append to
 * profiles that no longer exist, which the erasure's sweep removes.
 */
async function forgetErasures({
  pubsub,
  events,
  store,
  logger,
}: Parameters<typeof forgetWhatOthersChange>[0]): Promise<void> {
  try {
    for await (const { profileIds } of pubsub.subscribe<PersonErasureMessage>(
      PERSON_ERASURES_CHANNEL,
    )) {
      events.forgetProfiles(profileIds);
      store.profileLog.forget(profileIds.map(profileLogName));
      store.eventLog.forget(profileIds.map(eventLogName));
    }
  } catch (err) {
    logger.warn({ err }, 'stopped listening for erasures');
  }
}
