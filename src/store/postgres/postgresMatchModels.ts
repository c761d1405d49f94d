import type { Pool } from 'pg';
import type { MatchModel } from '../../matching/matchModel';
import type { MatchModelVersions } from '../../matching/modelStore';

/** Match models in `match_models`, as jsonb. */
export class PostgresMatchModels implements MatchModelVersions {
  constructor(private readonly pool: Pool) {}

  async newest(): Promise<MatchModel | null> {
    const { rows } = await this.pool.query<{ model: MatchModel }>(
      'SELECT model FROM match_models ORDER BY version DESC LIMIT 1',
    );
    return rows[0] ? revive(rows[0].model) : null;
  }

  async insert(model: MatchModel): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'INSERT INTO match_models (version, model) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [model.version, model],
    );
    return rowCount === 1;
  }
}

/** The model as stored: jsonb turns its date into a string. */
function revive(model: MatchModel): MatchModel {
  return { ...model, trainedAt: model.trainedAt === null ? null : new Date(model.trainedAt) };
}
