import fc from 'fast-check';
import type { Collection } from 'mongodb';
import { eventWindowKey, parseRule, type Rule } from '../../src/segments/rules/rule';
import type { SegmentSubject } from '../../src/segments/rules/subject';
import { toMongoFilter } from '../../src/store/mongo/segmentRuleFilter';
import { toPredicate } from '../../src/segments/rules/toPredicate';
import { openTestStack, type TestStack } from '../support/store';

/**
 * A segment rule runs two ways: as a MongoDB filter over all profiles (full refresh) and
 * as an in-memory predicate over one profile (real-time). They must agree on every
 * profile. Generated profiles (with the awkward values real traits have: arrays, nulls,
 * mixed types, non-ASCII strings, missing fields) are stored in the real store, and every
 * generated rule's filter result is compared with its predicate's.
 */

const SEED = Number(process.env.MOSAIC_TEST_SEED ?? 20261122);
const NOW = new Date('2026-11-22T12:00:00Z');
const DAY = 86_400_000;
const TRAITS = ['plan', 'age', 'tags', 'city'];
const COMPUTED = ['ltv', 'rfm'];
const EVENTS = ['Order Completed', 'Product Viewed'];
const WINDOWS = [7, 30];
const SEGMENTS = ['seg-a', 'seg-b'];
const CLUSTERINGS = ['behaviour', 'spend'];
const CLUSTERS = ['c1', 'c2', 'c3'];

// '～' (U+FF5E) sorts after '🙂' in UTF-16, before it in UTF-8 (as MongoDB compares).
const stringArb = fc.constantFrom(
  '～',
  'pro',
  'free',
  'Pro',
  '',
  'é',
  'z',
  'Zürich',
  '€',
  '10',
  '9',
  '🙂',
);
const numberArb = fc.oneof(
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(0.5, 2.5, 10.25, -1.5),
);
const scalarArb: fc.Arbitrary<string | number | boolean> = fc.oneof(
  stringArb,
  numberArb,
  fc.boolean(),
);
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalarArb },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.array(fc.oneof(scalarArb, fc.constant(null)), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.record({ k: scalarArb }) },
);
const fieldsArb = (names: string[]) =>
  fc.record(Object.fromEntries(names.map((n) => [n, valueArb])), { requiredKeys: [] });

const subjectArb: fc.Arbitrary<SegmentSubject> = fc.record(
  {
    traits: fieldsArb(TRAITS),
    computed: fc.record(
      {
        ltv: valueArb,
        rfm: valueArb,
        lastOrderAt: fc.oneof(
          fc.integer({ min: 0, max: 60 }).map((d) => new Date(NOW.getTime() - d * DAY - 1_000)),
          fc.constant(null),
        ),
      },
      { requiredKeys: [] },
    ),
    activity: fc.dictionary(
      fc.constantFrom(...EVENTS.flatMap((e) => WINDOWS.map((w) => eventWindowKey(e, w)))),
      fc.integer({ min: 0, max: 5 }),
    ),
    segments: fc.subarray(SEGMENTS),
    clusters: fc.dictionary(fc.constantFrom(...CLUSTERINGS), fc.constantFrom(...CLUSTERS)),
  },
  { requiredKeys: ['traits'] },
);

const comparisonArb = fc
  .record({
    scope: fc.constantFrom('trait', 'computed'),
    op: fc.constantFrom('eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'),
    name: fc.constantFrom(...TRAITS, ...COMPUTED),
    value: scalarArb,
    list: fc.array(scalarArb, { minLength: 1, maxLength: 3 }),
    flag: fc.boolean(),
  })
  .filter((c) => !(['gt', 'gte', 'lt', 'lte'].includes(c.op) && typeof c.value === 'boolean'))
  .map((c) => ({
    [c.scope]: c.name,
    op: c.op,
    value: c.op === 'in' ? c.list : c.op === 'exists' ? c.flag : c.value,
  }));

const leafArb = fc.oneof(
  { weight: 5, arbitrary: comparisonArb },
  {
    weight: 1,
    arbitrary: fc.record({
      event: fc.constantFrom(...EVENTS),
      atLeast: fc.integer({ min: 1, max: 4 }),
      withinDays: fc.constantFrom(...WINDOWS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ ordered: fc.record({ withinDays: fc.integer({ min: 1, max: 45 }) }) }),
  },
  { weight: 1, arbitrary: fc.record({ noOrderWithinDays: fc.integer({ min: 1, max: 45 }) }) },
  { weight: 1, arbitrary: fc.record({ inSegment: fc.constantFrom(...SEGMENTS) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      inCluster: fc.record({
        clustering: fc.constantFrom(...CLUSTERINGS),
        cluster: fc.constantFrom(...CLUSTERS),
      }),
    }),
  },
);

const ruleArb: fc.Arbitrary<unknown> = fc.letrec<{ rule: unknown }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: leafArb },
    {
      weight: 1,
      arbitrary: fc.record({ and: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ or: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
    },
    { weight: 1, arbitrary: fc.record({ not: tie('rule') }) },
  ),
})).rule;

let stack: TestStack;
let profiles: Collection<SegmentSubject & { _id: string }>;
let subjects: (SegmentSubject & { _id: string })[];

beforeAll(async () => {
  stack = await openTestStack('rules');
  profiles = stack.db.collection('segment_subjects');
  subjects = fc
    .sample(subjectArb, { numRuns: 120, seed: SEED })
    .map((s, i) => ({ _id: `p${String(i).padStart(3, '0')}`, ...s }));
  await profiles.insertMany(subjects);
});
afterAll(() => stack.close());

test('the MongoDB filter and the in-memory predicate select the same profiles', async () => {
  await fc.assert(
    fc.asyncProperty(ruleArb, async (input) => {
      const rule: Rule = parseRule(input);
      const viaStore = (
        await profiles.find(toMongoFilter(rule, NOW), { projection: { _id: 1 } }).toArray()
      )
        .map((d) => d._id)
        .sort();
      const test = toPredicate(rule, NOW);
      // Through a round trip, as the real-time path sees a profile read from the store.
      const stored = await profiles.find({}).toArray();
      const viaPredicate = stored
        .filter((s) => test(s))
        .map((s) => s._id)
        .sort();
      expect(viaPredicate).toEqual(viaStore);
    }),
    { numRuns: 300, seed: SEED },
  );
}, 240_000);

test('rules select something and exclude something (the generator is not vacuous)', () => {
  const sizes = fc
    .sample(ruleArb, { numRuns: 200, seed: SEED })
    .map((r) => subjects.filter(toPredicate(parseRule(r), NOW)).length);
  expect(sizes.filter((n) => n > 0 && n < subjects.length).length).toBeGreaterThan(100);
});

describe('validation', () => {
  const bad: [unknown, string, RegExp][] = [
    [{ trait: 'plan', op: 'like', value: 'x' }, 'rule.op', /expected one of eq, ne/],
    [{ and: [] }, 'rule.and', /non-empty list/],
    [
      { or: [{ trait: 'plan', op: 'eq', value: 'x' }, { foo: 1 }] },
      'rule.or[1]',
      /expected one of the keys/,
    ],
    [{ trait: 'a.b', op: 'eq', value: 1 }, 'rule.trait', /field name/],
    [{ trait: '$where', op: 'eq', value: 1 }, 'rule.trait', /field name/],
    [{ trait: 'plan', op: 'gt', value: true }, 'rule.value', /not booleans/],
    [
      { trait: 'plan', op: 'eq', value: { $gt: '' } },
      'rule.value',
      /expected a string, a number or a boolean/,
    ],
    [{ trait: 'plan', op: 'in', value: [] }, 'rule.value', /list of 1-500/],
    [
      { event: 'Order Completed', atLeast: 0, withinDays: 30 },
      'rule.atLeast',
      /whole number from 1/,
    ],
    [{ event: 'Order Completed', withinDays: 30.5 }, 'rule.withinDays', /whole number/],
    [{ event: 'Order Completed', withinDays: 365 }, 'rule.withinDays', /from 1 to 90/],
    [{ noOrderWithinDays: -1 }, 'rule.noOrderWithinDays', /whole number from 1/],
    [{ ordered: { withinDays: 3, extra: 1 } }, 'rule.ordered.extra', /unexpected key/],
    [{ trait: 'plan', op: 'eq', value: 'x', extra: 1 }, 'rule.extra', /unexpected key/],
    [[], 'rule', /expected a rule object/],
  ];
  test.each(bad)('%j is refused at %s', (input, field, message) => {
    expect(() => parseRule(input)).toThrow(message);
    try {
      parseRule(input);
    } catch (err) {
      expect((err as { field?: string }).field).toBe(field);
    }
  });

  test('too deep or too large rules are refused', () => {
    let deep: unknown = { trait: 'plan', op: 'eq', value: 'x' };
    for (let i = 0; i < 20; i++) deep = { not: deep };
    expect(() => parseRule(deep)).toThrow(/at most 16 levels/);
    const wide = {
      or: Array.from({ length: 250 }, () => ({ trait: 'plan', op: 'eq', value: 'x' })),
    };
    expect(() => parseRule(wide)).toThrow(/at most 200 parts/);
  });
});
