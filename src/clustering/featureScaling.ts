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
}

export interface FittedFeature extends FeatureSpec {
  /** Imputed for a missing value, in transformed units. */
  median: number;
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
  let center = median;
  let scale = (quantile(present, 0.75) - quantile(present, 0.25)) / 1.349;
  if (spec.scaling === 'min-max') {
    center = present[0] ?? 0;
    scale = (present.at(-1) ?? 0) - center;
  }
  // A constant feature (or one all missing) says nothing: scaled to 0, not divided by 0.
  if (!(scale > 0)) scale = 1;
  return { ...spec, median, center, scale, flagged: present.length < values.length };
}

/** Fits a scaler on `rows` (one value per spec, null when missing). */
export function fitScaler(
  specs: readonly FeatureSpec[],
  rows: readonly (number | null)[][],
): Scaler {
  const features = specs.map((spec, j) =>
    fitFeature(
      spec,
      rows.map((r) => r[j] ?? null),
    ),
  );
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
  };
}
