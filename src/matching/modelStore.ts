import { defaultModel, fittedToComparisons, type MatchModel } from './matchModel';

/** How long a process keeps using the model it read before looking for a newer version. */
export const MODEL_REFRESH_MS = 5_000;

/** The trained models, one row per version (`store/postgres`). */
export interface MatchModelVersions {
  /** The highest version saved; null before the first training. */
  newest(): Promise<MatchModel | null>;
  /** Saves `model` under its version; false when that version exists already. */
  insert(model: MatchModel): Promise<boolean>;
}

/**
 * Versioned match models. Training stores a new version; every process picks it up within
 * a few seconds. Until the first training, the cautious defaults are version 0.
 */
export class ModelStore {
  private current: { model: MatchModel; readAt: number } | null = null;

  constructor(private readonly versions: MatchModelVersions) {}

  async latest(): Promise<MatchModel> {
    if (this.current && Date.now() - this.current.readAt < MODEL_REFRESH_MS)
      return this.current.model;
    const newest = await this.versions.newest();
    const model = newest ? fittedToComparisons(newest) : defaultModel();
    this.current = { model, readAt: Date.now() };
    return model;
  }

  /** Stores `model` as the next version; false when another trainer took that version first. */
  async save(model: MatchModel): Promise<boolean> {
    const saved = await this.versions.insert(model);
    if (saved) this.current = { model, readAt: Date.now() };
    return saved;
  }
}
