import fc from 'fast-check';
import {
  computeTraits,
  engagementScore,
  rfmScore,
  rfmThresholds,
  type ActivitySummary,
  type EnrichmentInput,
  type RecentEvent,
  type RfmInputs,
  type RfmThresholds,
} from '../../src/enrichment/computedTraits';
import type { Identifier } from '../../src/identity/kinds';
import type { OrderStats } from '../../src/orders/orderStore';

/**
 * Computed traits are pure functions of a profile's identifiers, order aggregates and
 * recent events. Examples pin each field; properties pin what must hold for any input:
 * bounds, monotonicity, balanced quintiles and determinism.
 */

const NOW = new Date('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);

const NO_ORDERS: OrderStats = { count: 0, totals: [], firstOrderAt: null, lastOrderAt: null };
const NO_ACTIVITY: ActivitySummary = { eventCount: 0, lastSeenAt: null, recent: [] };

function traitsOf(over: Partial<EnrichmentInput> = {}) {
  return computeTraits({
    identifiers: [],
    orders: NO_ORDERS,
    activity: NO_ACTIVITY,
    now: NOW,
    ...over,
  });
}

const track = (timestamp: Date, event = 'Product Added'): RecentEvent => ({
  type: 'track',
  event,
  name: null,
  timestamp,
});
const page = (timestamp: Date): RecentEvent => ({
  type: 'page',
  event: null,
  name: 'Home',
  timestamp,
});

describe('Orders and lifetime value', () => {
  const twoCurrencies: OrderStats = {
    count: 3,
    totals: [
      { currency: 'USD', count: 2, amount: 150 },
      { currency: 'EUR', count: 1, amount: 80 },
    ],
    firstOrderAt: ago(40 * DAY),
    lastOrderAt: ago(2 * DAY),
  };

  it('sums the reporting currency and keeps other currencies apart, unconverted', () => {
    const t = traitsOf({ orders: twoCurrencies });
    expect(t.orderCount).toBe(3);
    expect(t.lifetimeValue).toBe(150);
    expect(t.lifetimeValueByCurrency).toEqual({ USD: 150, EUR: 80 });
    expect(t.averageOrderValue).toBe(75);
    expect(t.firstOrderAt).toEqual(ago(40 * DAY));
    expect(t.lastOrderAt).toEqual(ago(2 * DAY));
  });

  it('reports in the currency asked for', () => {
    const t = traitsOf({ orders: twoCurrencies, currency: 'EUR' });
    expect(t.lifetimeValue).toBe(80);
    expect(t.averageOrderValue).toBe(80);
    expect(t.rfm.monetary).toBe(80);
    expect(t.lifetimeValueByCurrency).toEqual({ USD: 150, EUR: 80 });
  });

  it('has no average order value without orders in the reporting currency', () => {
    const t = traitsOf({
      orders: { ...twoCurrencies, count: 1, totals: [{ currency: 'EUR', count: 1, amount: 80 }] },
    });
    expect(t.lifetimeValue).toBe(0);
    expect(t.averageOrderValue).toBeNull();
    expect(t.lifetimeValueByCurrency).toEqual({ EUR: 80 });
  });

  it('adds totals whose currency codes differ only in case', () => {
    const t = traitsOf({
      orders: {
        ...twoCurrencies,
        totals: [
          { currency: 'usd', count: 1, amount: 10 },
          { currency: 'USD', count: 1, amount: 30 },
        ],
      },
      currency: 'usd',
    });
    expect(t.lifetimeValueByCurrency).toEqual({ USD: 40 });
    expect(t.lifetimeValue).toBe(40);
    expect(t.averageOrderValue).toBe(20);
  });

  it('is zero, with no dates, without orders', () => {
    const t = traitsOf();
    expect(t).toMatchObject({
      orderCount: 0,
      lifetimeValue: 0,
      lifetimeValueByCurrency: {},
      averageOrderValue: null,
      firstOrderAt: null,
      lastOrderAt: null,
      daysSinceLastOrder: null,
      rfm: { recencyDays: null, frequency: 0, monetary: 0 },
    });
  });
});

describe('Days since', () => {
  const orderedAt = (lastOrderAt: Date): OrderStats => ({
    count: 1,
    totals: [{ currency: 'USD', count: 1, amount: 10 }],
    firstOrderAt: lastOrderAt,
    lastOrderAt,
  });
  const seenAt = (lastSeenAt: Date): ActivitySummary => ({
    ...NO_ACTIVITY,
    eventCount: 1,
    lastSeenAt,
  });

  it('counts whole days since the last order, rounding down', () => {
    const t = traitsOf({ orders: orderedAt(ago(3 * DAY + 23 * HOUR)) });
    expect(t.daysSinceLastOrder).toBe(3);
    expect(t.rfm.recencyDays).toBe(3);
    expect(traitsOf({ orders: orderedAt(ago(23 * HOUR)) }).daysSinceLastOrder).toBe(0);
  });

  it('measures activity from the later of the last event and the last order', () => {
    const eventLater = traitsOf({
      orders: orderedAt(ago(10 * DAY)),
      activity: seenAt(ago(DAY + 12 * HOUR)),
    });
    expect(eventLater.daysSinceLastActivity).toBe(1);
    const orderLater = traitsOf({
      orders: orderedAt(ago(2 * DAY + 5 * HOUR)),
      activity: seenAt(ago(20 * DAY)),
    });
    expect(orderLater.daysSinceLastActivity).toBe(2);
    expect(traitsOf({ activity: seenAt(ago(5 * DAY)) }).daysSinceLastActivity).toBe(5);
  });

  it('is null without orders or events', () => {
    const t = traitsOf();
    expect(t.daysSinceLastOrder).toBeNull();
    expect(t.daysSinceLastActivity).toBeNull();
  });

  it('counts an order stamped in the future (clock skew) as 0 days ago', () => {
    const t = traitsOf({ orders: orderedAt(new Date(NOW.getTime() + 3 * DAY)) });
    expect(t.daysSinceLastOrder).toBe(0);
    expect(t.daysSinceLastActivity).toBe(0);
  });
});

describe('Email domain kind', () => {
  const email = (value: string): Identifier => ({ kind: 'EMAIL', value });

  it('tells a free provider from a company domain', () => {
    expect(traitsOf({ identifiers: [email('ann@gmail.com')] }).emailDomainKind).toBe('free');
    expect(traitsOf({ identifiers: [email('ann@acme-corp.com')] }).emailDomainKind).toBe('company');
  });

  it('is null without an email', () => {
    const identifiers: Identifier[] = [
      { kind: 'USER_ID', value: 'u1' },
      { kind: 'PHONE', value: '+12025550123' },
    ];
    expect(traitsOf({ identifiers }).emailDomainKind).toBeNull();
  });

  it('reads the first email, the highest-priority one', () => {
    const identifiers: Identifier[] = [
      { kind: 'USER_ID', value: 'u1' },
      email('ann@acme-corp.com'),
      email('ann@gmail.com'),
    ];
    expect(traitsOf({ identifiers }).emailDomainKind).toBe('company');
    expect(traitsOf({ identifiers: [identifiers[2]!, identifiers[1]!] }).emailDomainKind).toBe(
      'free',
    );
  });

  it('is null for a value with no domain', () => {
    expect(traitsOf({ identifiers: [email('not-an-address')] }).emailDomainKind).toBeNull();
    expect(traitsOf({ identifiers: [email('ann@')] }).emailDomainKind).toBeNull();
  });
});

describe('Phone country', () => {
  it.each([
    ['+12025550123', 'US'],
    ['+16135550123', 'CA'], // same +1 calling code: told apart by area code
    ['+442079460958', 'GB'],
    ['+4930123456', 'DE'],
    ['+80012345678', null], // international freephone: no country
    ['+15555550123', null], // unassigned area code
  ])('reads %s as %s', (value, country) => {
    expect(traitsOf({ identifiers: [{ kind: 'PHONE', value }] }).phoneCountry).toBe(country);
  });

  it('reads the first phone, and is null without one', () => {
    const identifiers: Identifier[] = [
      { kind: 'EMAIL', value: 'ann@gmail.com' },
      { kind: 'PHONE', value: '+442079460958' },
      { kind: 'PHONE', value: '+12025550123' },
    ];
    expect(traitsOf({ identifiers }).phoneCountry).toBe('GB');
    expect(traitsOf({ identifiers: identifiers.slice(0, 1) }).phoneCountry).toBeNull();
  });
});

describe('Engagement', () => {
  const score = (recent: RecentEvent[]) =>
    traitsOf({ activity: { eventCount: recent.length, lastSeenAt: NOW, recent } }).engagementScore;

  it('is 0 without recent activity', () => {
    expect(traitsOf().engagementScore).toBe(0);
    expect(score([track(ago(31 * DAY)), page(ago(60 * DAY))])).toBe(0);
  });

  it('ignores events stamped after now', () => {
    expect(score([track(new Date(NOW.getTime() + HOUR))])).toBe(0);
  });

  it('ignores identify, alias and group calls, which servers send too', () => {
    const bookkeeping: RecentEvent[] = (['identify', 'alias', 'group'] as const).flatMap((type) =>
      Array.from({ length: 30 }, (_, d) => ({
        type,
        event: null,
        name: null,
        timestamp: ago(d * DAY),
      })),
    );
    expect(score(bookkeeping)).toBe(0);
  });

  it('follows the documented formula for one track event yesterday', () => {
    // 40(1-e^(-1/6)) + 25(1-e^(-1/5)) + 20(1-e^(-1/10)) + 15(1-e^(-1/30))
    // = 6.15 + 4.53 + 1.90 + 0.49 = 13.07
    expect(score([track(ago(DAY))])).toBe(13);
  });

  it('reaches 100 and no more with lots of activity', () => {
    const lots = Array.from({ length: 30 * 40 }, (_, i) => track(ago((i % 30) * DAY + i * 1000)));
    expect(score(lots)).toBe(100);
    expect(score([...lots, ...lots.map((e) => page(e.timestamp))])).toBe(100);
  });

  it('values actions over page views', () => {
    const times = [1, 2, 3].map((d) => ago(d * DAY));
    expect(score(times.map((t) => track(t)))).toBeGreaterThan(score(times.map(page)));
  });

  it('values a habit over a burst', () => {
    const spread = Array.from({ length: 10 }, (_, d) => page(ago(d * DAY + HOUR)));
    const burst = Array.from({ length: 10 }, (_, i) => page(ago(HOUR + i * 60_000)));
    expect(score(spread)).toBeGreaterThan(score(burst));
  });
});

describe('Event mix', () => {
  const mixOf = (recent: RecentEvent[]) =>
    traitsOf({ activity: { eventCount: recent.length, lastSeenAt: NOW, recent } }).eventMix;

  it('counts the last 90 days by shopping step: pages and product views, carts, checkouts', () => {
    const day = ago(DAY);
    expect(
      mixOf([
        page(day),
        track(day, 'Product Viewed'),
        track(day, 'Products Searched'),
        track(day, 'Product Added'),
        track(day, 'Cart Viewed'),
        track(day, 'Checkout Started'),
        track(day, 'Order Completed'),
        track(day, 'Newsletter Signed Up'),
        { type: 'identify', event: null, name: null, timestamp: day },
      ]),
    ).toEqual({ views: 3, carts: 2, checkouts: 2, other: 2 });
  });

  it('leaves out events older than 90 days, stamped after now, or with no valid time', () => {
    expect(
      mixOf([
        page(ago(91 * DAY)),
        page(new Date(NOW.getTime() + HOUR)),
        page(new Date('not a date')),
        page(ago(90 * DAY)),
      ]),
    ).toEqual({ views: 1, carts: 0, checkouts: 0, other: 0 });
    expect(traitsOf().eventMix).toEqual({ views: 0, carts: 0, checkouts: 0, other: 0 });
  });
});

describe('RFM scores', () => {
  const buyer = (recencyDays: number, frequency: number, monetary: number): RfmInputs => ({
    recencyDays,
    frequency,
    monetary,
  });
  const NON_BUYER: RfmInputs = { recencyDays: null, frequency: 0, monetary: 0 };
  // Ten buyers: 1-10 days, 1-10 orders, 10-100 spent.
  const ten = Array.from({ length: 10 }, (_, i) => buyer(i + 1, i + 1, 10 * (i + 1)));

  it('cuts at the nearest-rank 20th-80th percentiles, recency from most days to fewest', () => {
    const t = rfmThresholds(ten, NOW);
    expect(t).toEqual({
      recency: [9, 7, 5, 3],
      frequency: [2, 4, 6, 8],
      monetary: [20, 40, 60, 80],
      population: 10,
      computedAt: NOW,
    });
  });

  it('scores higher for fewer days, more orders and more value', () => {
    const t = rfmThresholds(ten, NOW);
    expect(rfmScore(buyer(1, 10, 100), t)).toEqual({
      recency: 5,
      frequency: 5,
      monetary: 5,
      segment: '555',
    });
    expect(rfmScore(buyer(10, 1, 10), t).segment).toBe('111');
    expect(rfmScore(buyer(6, 5, 50), t).segment).toBe('333');
  });

  it('gives a value equal to a cut point the lower quintile', () => {
    const t = rfmThresholds(ten, NOW);
    expect(rfmScore(buyer(9, 2, 20), t).segment).toBe('111');
    expect(rfmScore(buyer(8, 3, 21), t).segment).toBe('222');
    expect(rfmScore(buyer(3, 8, 80), t).segment).toBe('444');
    expect(rfmScore(buyer(2, 9, 80.01), t).segment).toBe('555');
  });

  it('scores customers without orders 1, with no recency, and leaves them out of the cuts', () => {
    const withNonBuyers = rfmThresholds(
      [...ten, ...Array.from({ length: 50 }, () => NON_BUYER)],
      NOW,
    );
    expect(withNonBuyers).toEqual(rfmThresholds(ten, NOW));
    expect(rfmScore(NON_BUYER, withNonBuyers)).toEqual({
      recency: null,
      frequency: 1,
      monetary: 1,
      segment: '011',
    });
  });

  it('scores everyone 1, with no recency, against an empty population', () => {
    const empty = rfmThresholds([], NOW);
    expect(empty).toEqual({
      recency: [],
      frequency: [],
      monetary: [],
      population: 0,
      computedAt: NOW,
    });
    expect(rfmThresholds([NON_BUYER, NON_BUYER], NOW)).toEqual(empty);
    expect(rfmScore(buyer(1, 50, 1e6), empty)).toEqual({
      recency: null,
      frequency: 1,
      monetary: 1,
      segment: '011',
    });
  });

  it('scores a lone buyer 1, and no one 5, in a population smaller than five', () => {
    const one = rfmThresholds([buyer(3, 2, 40)], NOW);
    expect(rfmScore(buyer(3, 2, 40), one).segment).toBe('111');
    const four = [buyer(40, 1, 10), buyer(30, 2, 20), buyer(20, 3, 30), buyer(10, 4, 40)];
    const t = rfmThresholds(four, NOW);
    expect(four.map((r) => rfmScore(r, t).segment)).toEqual(['111', '222', '333', '444']);
  });

  it('puts everyone with the same value in the lowest quintile', () => {
    const same = Array.from({ length: 20 }, () => buyer(5, 1, 30));
    const t = rfmThresholds(same, NOW);
    expect(rfmScore(buyer(5, 1, 30), t).segment).toBe('111');
    expect(rfmScore(buyer(4, 2, 31), t).segment).toBe('555');
  });

  it('rejects thresholds without 0 or 4 cut points, naming what it got', () => {
    const bad: RfmThresholds = { ...rfmThresholds(ten, NOW), monetary: [1, 2, 3] };
    expect(() => rfmScore(buyer(1, 1, 1), bad)).toThrow(
      'RFM monetary thresholds must hold 0 or 4 cut points, but got 3',
    );
  });
});

// --- Properties -----------------------------------------------------------------------

const eventArb: fc.Arbitrary<RecentEvent> = fc.record({
  type: fc.constantFrom('identify', 'track', 'page', 'screen', 'group', 'alias'),
  event: fc.option(fc.constantFrom('Product Added', 'Order Completed'), { nil: null }),
  name: fc.option(fc.constantFrom('Home', 'Cart'), { nil: null }),
  // From 95 days ago to 2 days ahead (clock skew), at any millisecond.
  timestamp: fc.integer({ min: -95 * DAY, max: 2 * DAY }).map((ms) => ago(ms)),
});
const eventsArb = fc.array(eventArb, { maxLength: 300 });

const buyerArb: fc.Arbitrary<RfmInputs> = fc.record({
  recencyDays: fc.integer({ min: 0, max: 1000 }),
  frequency: fc.integer({ min: 1, max: 60 }),
  monetary: fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100),
});
const populationArb = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: buyerArb },
    {
      weight: 1,
      arbitrary: fc.constant<RfmInputs>({ recencyDays: null, frequency: 0, monetary: 0 }),
    },
  ),
  { minLength: 1, maxLength: 200 },
);

describe('Properties', () => {
  it('engagement is an integer within 0..100', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const s = engagementScore(events, NOW);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('adding a recent track event never lowers engagement (and often raises it)', () => {
    let raised = 0;
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 0, max: 90 * DAY }), (events, age) => {
        const before = engagementScore(events, NOW);
        const after = engagementScore([...events, track(ago(age))], NOW);
        expect(after).toBeGreaterThanOrEqual(before);
        if (after > before) raised++;
      }),
      { numRuns: 300 },
    );
    expect(raised).toBeGreaterThan(0);
  });

  it('more value never lowers the monetary score, more orders never the frequency score', () => {
    let raised = 0;
    fc.assert(
      fc.property(
        populationArb,
        buyerArb,
        fc.integer({ min: 0, max: 500_000 }),
        fc.integer({ min: 0, max: 30 }),
        (population, r, moreCents, moreOrders) => {
          const t = rfmThresholds(population, NOW);
          const before = rfmScore(r, t);
          const richer = rfmScore({ ...r, monetary: r.monetary + moreCents / 100 }, t);
          const busier = rfmScore({ ...r, frequency: r.frequency + moreOrders }, t);
          expect(richer.monetary).toBeGreaterThanOrEqual(before.monetary);
          expect(busier.frequency).toBeGreaterThanOrEqual(before.frequency);
          if (richer.monetary > before.monetary) raised++;
        },
      ),
      { numRuns: 300 },
    );
    expect(raised).toBeGreaterThan(0);
  });

  it('fewer days since the last order never lowers the recency score', () => {
    let raised = 0;
    fc.assert(
      fc.property(
        populationArb,
        buyerArb,
        fc.integer({ min: 0, max: 1000 }),
        (population, r, fewer) => {
          const t = rfmThresholds(population, NOW);
          const before = rfmScore(r, t);
          const sooner = rfmScore({ ...r, recencyDays: Math.max(0, r.recencyDays! - fewer) }, t);
          // Both are buyers against the same thresholds: both null or both scored.
          expect(sooner.recency === null).toBe(before.recency === null);
          expect(sooner.recency ?? 0).toBeGreaterThanOrEqual(before.recency ?? 0);
          if ((sooner.recency ?? 0) > (before.recency ?? 0)) raised++;
        },
      ),
      { numRuns: 300 },
    );
    expect(raised).toBeGreaterThan(0);
  });

  it('each quintile holds 10-30% of a population of 100 or more distinct values', () => {
    const distinct = fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), {
      minLength: 100,
      maxLength: 400,
    });
    fc.assert(
      fc.property(distinct, distinct, distinct, (days, orders, cents) => {
        const n = Math.min(days.length, orders.length, cents.length);
        const population = Array.from({ length: n }, (_, i) => ({
          recencyDays: days[i]!,
          frequency: orders[i]! + 1,
          monetary: cents[i]! / 100,
        }));
        const t = rfmThresholds(population, NOW);
        const scores = population.map((r) => rfmScore(r, t));
        for (const dimension of ['recency', 'frequency', 'monetary'] as const) {
          for (const q of [1, 2, 3, 4, 5]) {
            const share = scores.filter((s) => s[dimension] === q).length / n;
            expect(share).toBeGreaterThanOrEqual(0.1);
            expect(share).toBeLessThanOrEqual(0.3);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  const identifierArb: fc.Arbitrary<Identifier> = fc.constantFrom<Identifier>(
    { kind: 'EMAIL', value: 'ann@gmail.com' },
    { kind: 'EMAIL', value: 'bob@acme-corp.com' },
    { kind: 'PHONE', value: '+442079460958' },
    { kind: 'PHONE', value: '+12025550123' },
    { kind: 'USER_ID', value: 'u1' },
  );
  const dateArb = fc.integer({ min: -400 * DAY, max: DAY }).map((ms) => ago(ms));
  const inputArb: fc.Arbitrary<EnrichmentInput> = fc.record({
    identifiers: fc.array(identifierArb, { maxLength: 5 }),
    orders: fc
      .record({
        totals: fc.array(
          fc.record({
            currency: fc.constantFrom('USD', 'EUR', 'GBP'),
            count: fc.integer({ min: 1, max: 20 }),
            amount: fc.integer({ min: 0, max: 1_000_000 }).map((c) => c / 100),
          }),
          { maxLength: 3 },
        ),
        first: dateArb,
        last: dateArb,
      })
      .map(({ totals, first, last }): OrderStats => ({
        count: totals.reduce((n, t) => n + t.count, 0),
        totals,
        firstOrderAt: totals.length === 0 ? null : first < last ? first : last,
        lastOrderAt: totals.length === 0 ? null : first < last ? last : first,
      })),
    activity: fc.record({
      eventCount: fc.nat(10_000),
      lastSeenAt: fc.option(dateArb, { nil: null }),
      recent: eventsArb,
    }),
    now: fc.constant(NOW),
    currency: fc.constantFrom('USD', 'EUR'),
  });

  const populationAndShuffledArb = populationArb.chain((p) =>
    fc.tuple(fc.constant(p), fc.shuffledSubarray(p, { minLength: p.length, maxLength: p.length })),
  );

  it('gives the same traits, thresholds and scores for the same input', () => {
    fc.assert(
      fc.property(inputArb, populationAndShuffledArb, (input, [population, shuffled]) => {
        expect(computeTraits(input)).toEqual(computeTraits(structuredClone(input)));
        // Thresholds depend on the population, not on the order it is listed in.
        const t = rfmThresholds(population, NOW);
        expect(rfmThresholds(shuffled, NOW)).toEqual(t);
        const traits = computeTraits(input);
        expect(rfmScore(traits.rfm, t)).toEqual(rfmScore(structuredClone(traits.rfm), t));
      }),
      { numRuns: 200 },
    );
  });
});
