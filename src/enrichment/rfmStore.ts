import type { RfmThresholds } from './rfm';

/**
 * What RFM scoring needs stored: every profile's RFM inputs (the population), and the cut
 * points a full refresh computes from them, which every enrichment scores against.
 */
export interface RfmStore {
  /**
   * The RFM inputs stored with each segment subject (`computed.rfm`), as stored: absent or
   * malformed ones included, for the caller to leave out. A scan of every subject.
   */
  populationInputs(): Promise<unknown[]>;
  /** The cut points of the last full refresh; null before the first. */
  currentThresholds(): Promise<RfmThresholds | null>;
  replaceThresholds(thresholds: RfmThresholds): Promise<void>;
}
