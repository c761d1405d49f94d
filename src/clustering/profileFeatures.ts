import { DAY_MS } from '../enrichment/engagement';
import type { SegmentSubjectDoc } from '../store/models';
import type { FeatureSpec } from './featureScaling';

/**
 * The features a profile is clustered on, read from its gold document (the segment
 * subject the enrichment worker writes), with how each is scaled and described:
 *
 * | feature              | from                                      | transform, scaling  | missing when        |
 * | -------------------- | ----------------------------------------- | ------------------- | ------------------- |
 * | recency (days)       | days since the last order                 | log1p, robust z     | no order            |
 * | frequency            | orders (not cancelled)                    | log1p, robust z     | never (0 is a count)|
 * | monetary             | lifetime value, reporting currency        | log1p, robust z     | never               |
 * | average order value  | lifetime value per order                  | log1p, robust z     | no order            |
 * | tenure (days)        | days since the first order                | log1p, robust z     | no order            |
 * | engagement           | engagement score, 0-100                   | min-max             | never               |
 * | views, carts, checkouts share | last 90 days' event mix, share of all events | min-max | no event |
 *
 * Money and counts have heavy tails (a few big spenders), hence the logs; a score and
 * shares are already bounded, hence min-max. "Lifetime value" and "monetary" are one
 * number in Mosaic (orders in the reporting currency), so it is one feature. Order
 * categories are not in the gold document yet: no category mix.
 */
export interface ProfileFeature extends FeatureSpec {
  of(subject: Pick<SegmentSubjectDoc, 'computed'>, now: Date): number | null;
}

const numberAt = (computed: Record<string, unknown>, key: string): number | null => {
  const value = computed[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

const daysSince = (value: unknown, now: Date): number | null => {
  const at =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(at) ? Math.max(0, (now.getTime() - at) / DAY_MS) : null;
};

/** The share of the last 90 days' events at `step`; null without events. */
const mixShare =
  (step: 'views' | 'carts' | 'checkouts') =>
  ({ computed }: Pick<SegmentSubjectDoc, 'computed'>): number | null => {
    const mix = computed.eventMix as Record<string, unknown> | undefined;
    if (typeof mix !== 'object' || mix === null) return null;
    const count = (k: string): number => {
      const n = mix[k];
      return typeof n === 'number' && Number.isFinite(n) ? n : 0;
    };
    const total = ['views', 'carts', 'checkouts', 'other'].reduce((s, k) => s + count(k), 0);
    return total === 0 ? null : count(step) / total;
  };

/** A heavy-tailed amount or count: logged, then a robust z. */
const heavyTailed = (
  name: string,
  [high, low]: [string, string],
  of: ProfileFeature['of'],
): ProfileFeature => ({
  name,
  transform: 'log1p',
  scaling: 'robust-z',
  words: { high, low },
  of,
});

/** A bounded score or share: onto 0..1. */
const bounded = (
  name: string,
  [high, low]: [string, string],
  of: ProfileFeature['of'],
): ProfileFeature => ({ name, transform: 'none', scaling: 'min-max', words: { high, low }, of });

export const PROFILE_FEATURES: readonly ProfileFeature[] = [
  heavyTailed('recencyDays', ['lapsed', 'recent'], ({ computed }) =>
    numberAt(computed, 'daysSinceLastOrder'),
  ),
  heavyTailed(
    'frequency',
    ['frequent buyers', 'rare buyers'],
    ({ computed }) => numberAt(computed, 'orderCount') ?? 0,
  ),
  heavyTailed(
    'monetary',
    ['high spend', 'low spend'],
    ({ computed }) => numberAt(computed, 'lifetimeValue') ?? 0,
  ),
  heavyTailed('averageOrderValue', ['big baskets', 'small baskets'], ({ computed }) =>
    numberAt(computed, 'averageOrderValue'),
  ),
  heavyTailed('tenureDays', ['long-standing', 'new customers'], ({ computed }, now) =>
    daysSince(computed.firstOrderAt, now),
  ),
  bounded(
    'engagement',
    ['engaged', 'low engagement'],
    ({ computed }) => numberAt(computed, 'engagementScore') ?? 0,
  ),
  bounded('viewsShare', ['browsers', 'few views'], mixShare('views')),
  bounded('cartsShare', ['cart builders', 'few carts'], mixShare('carts')),
  bounded('checkoutsShare', ['checkout-heavy', 'few checkouts'], mixShare('checkouts')),
];

/** One profile's feature row, in `features` order (null: missing, imputed and flagged later). */
export function featureRow(
  subject: Pick<SegmentSubjectDoc, 'computed'>,
  now: Date,
  features: readonly ProfileFeature[] = PROFILE_FEATURES,
): (number | null)[] {
  return features.map((f) => f.of(subject, now));
}
