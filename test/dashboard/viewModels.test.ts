import fc from 'fast-check';
import { describeRule, type RuleLine } from '../../dashboard/src/segments/ruleText';
import {
  identityGraph,
  splittableRecords,
  type MergeEntry,
} from '../../dashboard/src/profiles/graphModel';
import type { ProfileFieldsFragment } from '../../dashboard/src/gql/graphql';
import { sizeHistory } from '../../dashboard/src/segments/sizeHistory';

/** The dashboard's pure view models: a rule in words, and a profile as an identity graph. */

const name = fc.constantFrom('plan', 'lifetimeValue', 'Order Completed', 'vip', 'k-means');
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean());
const leaf = fc.oneof(
  fc.record({
    trait: name,
    op: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'),
    value: scalar,
  }),
  fc.record({ computed: name, op: fc.constant('in'), value: fc.array(scalar, { maxLength: 3 }) }),
  fc.record({ trait: name, op: fc.constant('exists'), value: fc.boolean() }),
  fc.record({ event: name, atLeast: fc.nat(9), withinDays: fc.integer({ min: 1, max: 90 }) }),
  fc.record({ ordered: fc.record({ withinDays: fc.integer({ min: 1, max: 90 }) }) }),
  fc.record({ noOrderWithinDays: fc.integer({ min: 1, max: 90 }) }),
  fc.record({ inSegment: name }),
  fc.record({ inCluster: fc.record({ clustering: name, cluster: name }) }),
);
const rule = fc.letrec<{ rule: unknown }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ and: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ or: fc.array(tie('rule'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('rule') }),
  ),
})).rule;

const leaves = (r: unknown): number => {
  const o = r as Record<string, unknown>;
  if (Array.isArray(o.and)) return o.and.map(leaves).reduce((a, b) => a + b, 0);
  if (Array.isArray(o.or)) return o.or.map(leaves).reduce((a, b) => a + b, 0);
  if ('not' in o) return leaves(o.not);
  return 1;
};
/** The tree on one line: what a person would read aloud. */
const ruleSentence = (line: RuleLine): string =>
  line.children.length === 0
    ? line.text
    : `${line.text} (${line.children.map(ruleSentence).join('; ')})`;

const lineLeaves = (l: RuleLine): number =>
  l.children.length === 0 ? 1 : l.children.map(lineLeaves).reduce((a, b) => a + b, 0);

test('every rule reads as words: one sentence per leaf, no raw objects, every name kept', () => {
  fc.assert(
    fc.property(rule, (r) => {
      const words = describeRule(r);
      expect(lineLeaves(words)).toBe(leaves(r));
      const sentence = ruleSentence(words);
      expect(sentence).not.toContain('[object Object]');
      expect(sentence).not.toMatch(/^\{/);
      for (const n of JSON.stringify(r).match(
        /"(plan|lifetimeValue|Order Completed|vip|k-means)"/g,
      ) ?? [])
        expect(sentence).toContain(JSON.parse(n) as string);
    }),
    { numRuns: 300, seed: 24 },
  );
});

test('the documented example reads as a person would say it', () => {
  const words = describeRule({
    and: [
      { computed: 'lifetimeValue', op: 'gte', value: 500 },
      { noOrderWithinDays: 30 },
      { not: { event: 'Newsletter Unsubscribed', atLeast: 1, withinDays: 90 } },
      { or: [{ trait: 'plan', op: 'in', value: ['pro', 'enterprise'] }, { inSegment: 'vip' }] },
    ],
  });
  expect(ruleSentence(words)).toBe(
    'all of (computed trait lifetimeValue ≥ 500; no order in the last 30 days; ' +
      'not (event "Newsletter Unsubscribed" at least 1× in the last 90 days); ' +
      'any of (trait plan is one of "pro", "enterprise"; in segment "vip"))',
  );
});

const profile = (over: Partial<ProfileFieldsFragment>): ProfileFieldsFragment =>
  ({
    id: 'P1',
    identifiers: [{ kind: 'EMAIL', value: 'a@example.com' }],
    mergedFrom: [],
    crmRecords: [{ crmId: 'c1', receivedAt: '2026-12-01T00:00:00Z' }],
    mergeLog: [],
    ...over,
  }) as ProfileFieldsFragment;

test('a merge and its unmerge are edges between profiles; records and identifiers hang off them', () => {
  const merge: MergeEntry = {
    action: 'MERGE',
    note: null,
    survivorId: 'P1',
    mergedId: 'P2',
    reason: 'PROBABILISTIC',
    recordId: 'crm:c2',
    linkedBy: { kind: 'CRM_ID', value: 'c2' },
    match: { probability: 0.97, totalWeight: 12, fields: [] },
    undoneBy: 'U1',
    recordIds: [],
    explanation: '',
    at: '2026-12-01T00:00:00Z',
  };
  const unmerge: MergeEntry = {
    ...merge,
    action: 'UNMERGE',
    reason: 'MANUAL',
    match: null,
    undoneBy: null,
  };
  const g = identityGraph(
    profile({
      mergedFrom: ['P2'],
      mergeLog: [merge, unmerge],
    }),
  );
  const edge = (kind: string) => g.edges.filter((e) => e.kind === kind);
  expect(edge('undone')).toEqual([
    expect.objectContaining({ source: 'p:P2', target: 'p:P1', label: 'probabilistic p=0.97' }),
  ]);
  expect(edge('unmerge')).toEqual([
    expect.objectContaining({ source: 'p:P1', target: 'p:P2', label: 'unmerged', entry: 1 }),
  ]);
  expect(g.nodes.map((n) => n.id).sort()).toEqual(
    ['i:CRM_ID:c2', 'i:EMAIL:a@example.com', 'p:P1', 'p:P2', 'r:crm:c1', 'r:crm:c2'].sort(),
  );
  // Every edge joins two drawn nodes.
  const ids = new Set(g.nodes.map((n) => n.id));
  for (const e of g.edges) expect([ids.has(e.source), ids.has(e.target)]).toEqual([true, true]);
  // An undone merge's record is not offered for splitting again; the CRM contact is.
  expect(splittableRecords(profile({ mergeLog: [merge] }))).toEqual(['crm:c1']);
});

test("a segment's past sizes are walked back from its size through its latest changes", () => {
  const at = (s: number) => new Date(s * 1000).toISOString();
  const history = sizeHistory(
    3,
    1000,
    [
      { change: 'ENTERED', at: at(900) },
      { change: 'LEFT', at: at(800) },
      { change: 'ENTERED', at: at(700) },
    ],
    [
      { at: at(100), size: 1 },
      { at: at(750), size: 9 },
    ],
  );
  expect(history).toEqual([
    { t: 100, size: 1 },
    { t: 699.999, size: 2 },
    { t: 700, size: 3 },
    { t: 800, size: 2 },
    { t: 900, size: 3 },
    { t: 1000, size: 3 },
  ]);
  expect(sizeHistory(0, 5, [], [])).toEqual([{ t: 5, size: 0 }]);
});
