import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { MatchingStores } from '../../matching/matchingService';
import { ModelStore } from '../../matching/modelStore';
import { TermCounts } from '../../matching/termCounts';
import { PostgresMatchIndex } from './postgresMatchIndex';
import { PostgresMatchModels } from './postgresMatchModels';
import { PostgresTermCounts } from './postgresTermCounts';
import { PostgresReviewQueue } from './postgresReviewQueue';

/**
 * Matching's stores over one pool. Opening them starts the term counts' flush timer:
 * close the `MatchingService` built on them (it writes what is buffered).
 */
export function openMatchingStores(pool: Pool, logger: Logger): MatchingStores {
  return {
    index: new PostgresMatchIndex(pool, new TermCounts(new PostgresTermCounts(pool), logger)),
    models: new ModelStore(new PostgresMatchModels(pool)),
    reviews: new PostgresReviewQueue(pool),
  };
}
