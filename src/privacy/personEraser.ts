import type { PersonMatchDataStore } from '../matching/personMatchData';
import type { BronzeEvents } from '../ingest/bronzeEvents';
import type { OrderStore } from '../orders/orderStore';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { PersonDataStore } from '../store/personDataStore';
import type { JobQueue } from '../workers/queues';
import { parseIdentityKey } from '../identity/profileView';
import type { MentionScrub, MentionScrubCounts } from './mentionScrub';
import type { PersonFootprint } from './personFootprint';
import { scrubStrings, tokenPattern } from './scrub';

export interface PersonEraserDeps {
  store: IdentityGraphStore;
  personData: PersonDataStore;
  matchData: PersonMatchDataStore;
  orderStore: OrderStore;
  /** Accepted events, applied or still waiting: the person's are deleted too. */
  bronze: Pick<BronzeEvents, 'erase'>;
  /** The caches and job queues (Redis). */
  scrub: MentionScrub;
  jobs: JobQueue | null;
  /** Tells every process to forget what it cached of the profiles (before anything is deleted). */
  announce: (profileIds: string[]) => Promise<void>;
  /**
   * Drops the profiles' gold documents and the identities' hints from the hot tier. Run
   * before the deletes and again after them: a reader that filled in between filled from
   * reads made before the deletes, and the second run removes that too.
   */
  forgetHot: (profileIds: string[], identityKeys: string[]) => Promise<void>;
}

/**
 * One pass of an erasure over a person's footprint: everything the cluster owns is
 * deleted, documents shared with other people are scrubbed of the person's values, and
 * the caches and queues that mention them are emptied. Each step is idempotent, so a
 * pass interrupted half-way is finished by running it again (the sweep does).
 */
export class PersonEraser {
  constructor(private readonly deps: PersonEraserDeps) {}

  async erasePass(
    f: PersonFootprint,
    needles: string[],
    erasureId: string,
  ): Promise<Record<string, number>> {
    const { personData, matchData, orderStore, jobs } = this.deps;
    const members = new Set(f.profileIds);
    // Caches first: from now on no process routes the person's identifiers to these profiles.
    await this.deps.announce(f.profileIds);
    await this.deps.forgetHot(f.profileIds, f.identityKeys);

    const recordIds = [
      ...new Set([...f.records.map((r) => r._id), ...f.rawRecords.map((r) => r.recordId)]),
    ];
    const counts: Record<string, number> = await personData.erase({
      identityKeys: f.identityKeys,
      profileIds: f.profileIds,
      recordIds,
      rawRecordIds: f.rawRecords.map((r) => r._id),
      profileLogEntries: f.profileLog,
      eventLogEntries: f.events,
      logNames: [...new Set([...f.profileLog, ...f.events].map((e) => e.log))],
    });
    counts.segment_subjects_blanked = await personData.blankSegmentSubjects(f.profileIds);
    counts.segment_changes = await personData.deleteSegmentChanges(
      f.segmentChanges.map((c) => c._id),
    );
    const eventIds = new Set(
      f.pendingBatches.flatMap((b) =>
        b.events.filter((e) => members.has(e.event.profileId)).map((e) => e.event._id),
      ),
    );
    for (const batch of f.pendingBatches) await personData.dropPendingEvents(batch, eventIds);
    counts.pending_events = eventIds.size;
    counts.unmerges_scrubbed = 0;
    counts.unmerges = 0;
    for (const unmerge of f.unmerges) {
      const involved = [unmerge.fromProfileId, unmerge.toProfileId, ...unmerge.movedProfileIds];
      if (involved.every((id) => members.has(id))) {
        counts.unmerges += await personData.deleteUnmerges([unmerge._id]);
        continue;
      }
      // Someone else was split from (or out of) the person: their merge log keeps the
      // unmerge, without the person's values. So do their current pointers it names.
      const scrubbed = scrubStrings(unmerge, needles);
      if (scrubbed.changed) {
        await personData.replaceUnmerge(scrubbed.value);
        counts.unmerges_scrubbed++;
      }
      const others = [...unmerge.undone, ...unmerge.added]
        .map((p) => p._id)
        .filter((id) => !members.has(id));
      for (const pointer of (await this.deps.store.getMergePointers(others)).values()) {
        const clean = scrubStrings(pointer, needles);
        if (clean.changed) await personData.replaceMergePointer(clean.value);
      }
    }

    const customerIds = f.identityKeys
      .map(parseIdentityKey)
      .filter((id) => id.kind === 'CUSTOMER_ID')
      .map((id) => id.value);
    counts.bronze_events = await this.deps.bronze.erase(f.identityKeys);
    counts.orders_detached = await orderStore.detach(customerIds, `erased:${erasureId}`);
    Object.assign(counts, await matchData.erase(recordIds, f.profileIds));

    // The person's values only: ids would also match the jobs that end their memberships
    // (ids are not personal data, and those jobs find nothing left). As whole tokens:
    // words that merely contain a name ("Rich" in "enrichment") are not the person.
    const pattern = tokenPattern(needles);
    const redis: MentionScrubCounts =
      pattern === null
        ? { keys: 0, jobs: 0, entries: 0, busy: 0 }
        : await this.deps.scrub.removeMentions((text) => pattern.test(text));
    counts.redis_keys = redis.keys;
    counts.redis_jobs = redis.jobs;
    counts.redis_entries = redis.entries;
    counts.redis_busy_jobs = redis.busy;
    // Enrichment, finding the profiles gone, records that they left their segments (so
    // segment sizes and dashboards follow) and removes what is left of their subjects.
    await jobs?.enrich(f.profileIds, 'erased');
    await this.deps.forgetHot(f.profileIds, f.identityKeys);
    return counts;
  }
}
