/** What one scrub removed, for the erasure's counts. */
export interface MentionScrubCounts {
  /** Keys deleted whole (cached answers, deduplication keys …). */
  keys: number;
  /** Jobs removed through their queue. */
  jobs: number;
  /** Members removed from lists, sets, sorted sets and streams. */
  entries: number;
  /** Jobs that mention the person but are running now (locked): left for the sweep. */
  busy: number;
}

/**
 * What an erasure needs of the caches and job queues (Redis): everything there that
 * mentions the person removed, whichever cache or queue holds it, including ones added
 * after the erasure was written. Which text mentions them is the erasure's to say.
 */
export interface MentionScrub {
  removeMentions(mentions: (text: string) => boolean): Promise<MentionScrubCounts>;
}
