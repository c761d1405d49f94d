/**
 * Profile features made comparable for k-means, whose distances weigh every column alike.
 * Per feature, chosen and documented where it is declared:
 * - heavy tails (money, counts) are log-transformed (`log1p`), so one big spender does not
 *   stretch the axis everyone else sits on;
 * - `robust-z`: (x − median) / (IQR / 1.349), a z-score that outliers do not move; for
 *   unbounded features. `min-max`: onto 0..1; for features already bounded (a share, a
 *   0–100 score);
 * - a missing value is imputed with the feature's median (after the transform) and
 *   flagged: each feature with any missing value adds a 0/1 column "missing", so "no
 *   orders" is a place of its own, never silently a zero.
 * The scaler is fitted once (on the sample a clustering fits on) and applied to every
 * profile; centroids are turned back into the features' original units for reports.
 */

export interface FeatureSpec {
  name: string;
  transform: 'log1p' | 'none';
  scaling: 'robust-z' | 'min-max';
  /** How a cluster well above or below the population on it is described ("high spend"). */
  words?: { high: string; low: string };
}

export interface FittedFeature extends FeatureSpec {
  /** Imputed for a missing value, in transformed units. */
  median: number;
  /**
   * IQR / 1.349 in transformed units (a standard deviation outliers do not move), at
   * least a quarter of the range for a bounded feature; 1 if 0. Descriptions use it.
   */
  spread: number;
  /** x' = (transform(x) − center) / scale. */
  center: number;
  scale: number;
  /** Whether a missing flag column follows the scaled features. */
  flagged: boolean;
}

export interface Scaler {
  features: FittedFeature[];
  /** Scaled features, then one 0/1 missing flag per flagged feature. */
  scale(row: readonly (number | null)[]): number[];
  /** A centroid's feature columns back in original units (flags dropped). */
  unscale(centroid: readonly number[]): number[];
  /** Column names of a scaled row. */
  columns: string[];
  /**
   * A centroid (original units) in plain words against the population: the features where
   * it sits at least `threshold` robust standard deviations from the median, strongest
   * first, at most `max` of them ("high spend, recent, low engagement"); "typical" if none.
   */
  describe(centroid: readonly number[], options?: { threshold?: number; max?: number }): string;
}

const transformOf = (spec: FeatureSpec) => (x: number) =>
  spec.transform === 'log1p' ? Math.log1p(Math.max(0, x)) : x;

const inverseOf = (spec: FeatureSpec) => (x: number) =>
  spec.transform === 'log1p' ? Math.expm1(x) : x;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

function fitFeature(spec: FeatureSpec, values: (number | null)[]): FittedFeature {
  const transform = transformOf(spec);
  const present = values
    .filter((v): v is number => v !== null && Number.isFinite(v))
    .map(transform)
    .sort((a, b) => a - b);
  const median = quantile(present, 0.5);
  // A constant feature (or one all missing) says nothing: scaled to 0, not divided by 0.
  const positive = (x: number) => (x > 0 ? x : 1);
  const iqrSpread = (quantile(present, 0.75) - quantile(present, 0.25)) / 1.349;
  const minMax = spec.scaling === 'min-max';
  const center = minMax ? (present[0] ?? 0) : median;
  const range = (present.at(-1) ?? 0) - (present[0] ?? 0);
  const scale = minMax ? positive(range) : positive(iqrSpread);
  // A bounded feature's middle half can be narrow (most shares of checkouts near 0.1): a
  // spread of at least a quarter of its range keeps a small difference from being
  // described as a trait of the cluster.
  const spread = minMax ? positive(Math.max(iqrSpread, range / 4)) : positive(iqrSpread);
  return { ...spec, median, spread, center, scale, flagged: present.length < values.length };
}

/** Fits a scaler on `rows` (one value per spec, null when missing). */
export function fitScaler(
  specs: readonly FeatureSpec[],
  rows: readonly (number | null)[][],
): Scaler {
  return scalerOf(
    specs.map((spec, j) =>
      fitFeature(
        spec,
        rows.map((r) => r[j] ?? null),
      ),
    ),
  );
}

/**
 * The scaler of fitted features: what `fitScaler` returns, and what a stored clustering
 * model (which keeps `scaler.features`, plain data) is turned back into.
 */
export function scalerOf(features: FittedFeature[]): Scaler {
  const transforms = features.map(transformOf);
  const inverses = features.map(inverseOf);
  return {
    features,
    columns: [
      ...features.map((f) => f.name),
      ...features.filter((f) => f.flagged).map((f) => `${f.name} missing`),
    ],
    scale(row) {
      const scaled: number[] = [];
      const flags: number[] = [];
      features.forEach((f, j) => {
        const raw = row[j];
        const missing = raw === null || raw === undefined || !Number.isFinite(raw);
        const x = missing ? f.median : transforms[j]!(raw);
        scaled.push((x - f.center) / f.scale);
        if (f.flagged) flags.push(missing ? 1 : 0);
      });
      return [...scaled, ...flags];
    },
    unscale(centroid) {
      return features.map((f, j) => inverses[j]!(centroid[j]! * f.scale + f.center));
    },
    describe(centroid, { threshold = 0.5, max = 3 } = {}) {
      const words = features
        .map((f, j) => ({ f, z: (transforms[j]!(centroid[j]!) - f.median) / f.spread }))
        .filter(({ f, z }) => f.words !== undefined && Math.abs(z) >= threshold)
        .sort((x, y) => Math.abs(y.z) - Math.abs(x.z))
        .slice(0, max)
        .map(({ f, z }) => (z > 0 ? f.words!.high : f.words!.low));
      return words.length === 0 ? 'typical' : words.join(', ');
    },
  };
}
