/** What the matching index holds about one person's records (a data export). */
export interface PersonMatchData {
  records: { recordId: string; profileId: string; values: unknown; decision: string | null }[];
  reviews: {
    id: string;
    recordId: string;
    candidateRecordId: string;
    probability: number;
    status: string;
    createdAt: Date;
  }[];
  rejections: { profileA: string; profileB: string; reason: string; createdAt: Date }[];
}

/**
 * The matching index's side of privacy requests (`store/postgres`). Works whether or not
 * matching is switched on: the index may hold records from before it was switched off.
 */
export interface PersonMatchDataStore {
  /** The records, and the reviews and rejections naming them or their profiles. */
  export(recordIds: string[], profileIds: string[]): Promise<PersonMatchData>;
  /**
   * Removes the records' match values and blocking keys, the reviews and rejections that
   * name them, all or nothing, then recounts the term counts from what is left: a rare
   * surname counted once would otherwise stay behind as a statistic of one. Returns how
   * many rows each table lost.
   */
  erase(recordIds: string[], profileIds: string[]): Promise<Record<string, number>>;
}
