import type { Logger } from 'pino';
import type { AfterContactResolved } from '../crm/crmContactService';
import type { MatchingService } from './matchingService';

/**
 * What follows a CRM contact's deterministic resolution: probabilistic matching of its
 * record, which may merge its profile into another (the live profile is returned).
 * Matching never fails the contact's write: the contact is stored and resolved already,
 * so a matching failure (PostgreSQL down) is queued for a worker to retry in full.
 */
export function matchOnArrival(
  matching: MatchingService,
  /** Queues the record's matching for a worker; null where no workers run. */
  matchLater: ((recordId: string) => Promise<void>) | null,
  logger: Logger,
): AfterContactResolved {
  return async (recordId, owner, traits, profileId, known) => {
    try {
      const result = await matching.matcher.onRecord(recordId, owner, traits, known);
      return result.profileId ?? profileId;
    } catch (err) {
      logger.warn({ err, recordId }, 'matching failed; queued for a worker');
      await matchLater?.(recordId).catch((e: unknown) =>
        logger.error({ err: e, recordId }, 'could not queue matching'),
      );
      return profileId;
    }
  };
}
