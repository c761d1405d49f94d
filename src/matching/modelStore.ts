import type { Pool } from 'pg';
import { defaultModel, type MatchModel } from './matchModel';

/** How long a process keeps using the model it read before looking for a newer version. */
export const MODEL_REFRESH_MS = 5_000;

/**
 * Versioned match models. Training stores a new version; every process picks it up within
 * a few seconds. Until the first training, the cautious defaults are version 0.
 */
export class ModelStore {
  private current: { model: MatchModel; readAt: number } | null = null;

  constructor(private readonly pool: Pool) {}

  async latest(): Promise<MatchModel> {
    if (this.current && Date.now() - this.current.readAt < MODEL_REFRESH_MS)
      return this.current.model;
    const { rows } = await this.pool.query<{ model: MatchModel }>(
      'SELECT model FROM match_models ORDER BY version DESC LIMIT 1',
    );
    const model = rows[0] ? revive(rows[0].model) : defaultModel();
    this.current = { model, readAt: Date.now() };
    return model;
  }

  /** Stores `model` as the next version; false when another trainer took that version first. */
  async save(model: MatchModel): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'INSERT INTO match_models (version, model) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [model.version, model],
    );
    if (rowCount === 1) this.current = { model, readAt: Date.now() };
    return rowCount === 1;
  }
}

function revive(model: MatchModel): MatchModel {
  return { ...model, trainedAt: model.trainedAt === null ? null : new Date(model.trainedAt) };
}
