import { computeTraits } from '../../src/enrichment/computedTraits';
import { fitScaler } from '../../src/clustering/featureScaling';
import { featureRow, PROFILE_FEATURES } from '../../src/clustering/profileFeatures';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

/** A gold document's computed traits, as the enrichment worker writes them. */
const subjectOf = (input: Partial<Parameters<typeof computeTraits>[0]>) => ({
  computed: computeTraits({
    identifiers: [],
    orders: { count: 0, totals: [], firstOrderAt: null, lastOrderAt: null },
    activity: { eventCount: 0, lastSeenAt: null, recent: [] },
    now: NOW,
    ...input,
  }) as unknown as Record<string, unknown>,
});

const names = PROFILE_FEATURES.map((f) => f.name);
const rowOf = (subject: { computed: Record<string, unknown> }): Record<string, number | null> =>
  Object.fromEntries(featureRow(subject, NOW).map((v, i) => [names[i]!, v]));

test("a buyer's features come from its computed traits", () => {
  const buyer = subjectOf({
    orders: {
      count: 4,
      totals: [{ currency: 'USD', count: 4, amount: 200 }],
      firstOrderAt: ago(400),
      lastOrderAt: ago(10),
    },
    activity: {
      eventCount: 4,
      lastSeenAt: ago(1),
      recent: [
        { type: 'page', event: null, name: 'Home', timestamp: ago(1) },
        { type: 'track', event: 'Product Viewed', name: null, timestamp: ago(1) },
        { type: 'track', event: 'Product Added', name: null, timestamp: ago(1) },
        { type: 'track', event: 'Order Completed', name: null, timestamp: ago(1) },
      ],
    },
  });
  expect(rowOf(buyer)).toEqual({
    recencyDays: 10,
    frequency: 4,
    monetary: 200,
    averageOrderValue: 50,
    tenureDays: 400,
    engagement: expect.any(Number) as number,
    viewsShare: 0.5,
    cartsShare: 0.25,
    checkoutsShare: 0.25,
  });
});

test('a profile with no orders and no events is missing what it cannot have, and zero in counts', () => {
  expect(rowOf(subjectOf({}))).toEqual({
    recencyDays: null,
    frequency: 0,
    monetary: 0,
    averageOrderValue: null,
    tenureDays: null,
    engagement: 0,
    viewsShare: null,
    cartsShare: null,
    checkoutsShare: null,
  });
});

test('dates read back from the store as strings count too; garbage is missing, not zero', () => {
  const row = featureRow(
    { computed: { firstOrderAt: ago(30).toISOString(), daysSinceLastOrder: 'soon' } },
    NOW,
  );
  expect(row[names.indexOf('tenureDays')]).toBe(30);
  expect(row[names.indexOf('recencyDays')]).toBeNull();
});

test('non-buyers get a flag column of their own once scaled, not a recency of zero', () => {
  const subjects = [
    subjectOf({}),
    subjectOf({
      orders: {
        count: 1,
        totals: [{ currency: 'USD', count: 1, amount: 30 }],
        firstOrderAt: ago(5),
        lastOrderAt: ago(5),
      },
    }),
  ];
  const rows = subjects.map((s) => featureRow(s, NOW));
  const scaler = fitScaler(PROFILE_FEATURES, rows);
  expect(scaler.columns).toContain('recencyDays missing');
  const scaled = scaler.scale(rows[0]!);
  expect(scaled[scaler.columns.indexOf('recencyDays missing')]).toBe(1);
  expect(scaler.scale(rows[1]!)[scaler.columns.indexOf('recencyDays missing')]).toBe(0);
});
