import fc from 'fast-check';
import { describeRule, type RuleLine } from '../../dashboard/src/segments/ruleText';
import {
  identityGraph,
  splittableRecords,
  type MergeEntry,
} from '../../dashboard/src/profiles/graphModel';
import type { ProfileFieldsFragment } from '../../dashboard/src/gql/graphql';
import { sizeHistory } from '../../dashboard/src/segments/sizeHistory';
import {
  liveSizeFrom,
  onAnswer,
  onChange,
  onCount,
  type LiveChange,
  type LiveSize,
} from '../../dashboard/src/segments/liveSize';

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

const entry = (n: number, change: LiveChange['change'] = 'ENTERED'): LiveChange => ({
  profileId: `p${n}`,
  change,
  at: `2026-12-07T09:00:${String(n).padStart(2, '0')}.000Z`,
});
const count = (size: number, lastChange: LiveChange | null, sizeSuppressed = false) => ({
  size,
  sizeSuppressed,
  lastChange,
});

test('a change moves the shown size at once; the count made for it is not added again', () => {
  let s = liveSizeFrom(5);
  s = onChange(s, entry(1));
  expect(s.size).toBe(6);
  // A count that already holds a later change is not shown while that one is pending.
  s = onChange(s, entry(2, 'LEFT'));
  expect(s.size).toBe(5);
  s = onCount(s, count(5, entry(1)));
  expect(s.size).toBe(5);
  s = onCount(s, count(7, entry(2, 'LEFT')));
  expect(s.size).toBe(7); // nothing pending: the count is the truth
  expect(s.pending).toEqual([]);
  // A count that arrives before its change: the change then moves nothing.
  s = onCount(s, count(8, entry(3)));
  expect(onChange(s, entry(3)).size).toBe(8);
});

test('a count confirms the changes pending before its own; a lost count holds nothing back', () => {
  let s = onChange(liveSizeFrom(1), entry(4)); // 2
  s = onChange(s, entry(5)); // 3
  s = onCount(s, count(3, entry(5))); // entry 4's count was lost: entry 5's holds it
  expect(s).toMatchObject({ size: 3, pending: [] });
  // The last change of a burst, its count lost: the size holds it, and no older count
  // steps it back.
  s = onChange(s, entry(6)); // 4
  s = onChange(s, entry(7)); // 5
  s = onCount(s, count(4, entry(6)));
  expect(s.size).toBe(5);
  expect(onCount(s, count(6, entry(8))).size).toBe(6); // a later change's count: shown
});

test('a count naming no change, the floor crossed both ways, and a page opened mid-stream', () => {
  // Withheld members (below the privacy floor): nothing this caller holds waits any more.
  let s = onChange(liveSizeFrom(6), entry(1, 'LEFT'));
  s = onCount(s, count(0, null)); // true size 0 below the floor: not even "suppressed"
  expect(s).toMatchObject({ size: 0, pending: [], suppressed: true });
  // Meanwhile a change does not move the size the caller is given.
  s = onChange(s, entry(2));
  expect(s.size).toBe(0);
  // Back above the floor: the count names its change, and changes move the size again.
  s = onCount(s, count(5, entry(2)));
  expect(s).toMatchObject({ size: 5, suppressed: false, counted: [] });
  expect(onChange(s, entry(3)).size).toBe(6);
  // A change before the first answer: the answer gives the size, later counts correct it.
  s = onChange(liveSizeFrom(null), entry(3));
  expect(s.size).toBeNull();
  s = onAnswer(s, { size: 9, sizeSuppressed: false });
  expect(s.size).toBe(9);
  expect(onAnswer(s, { size: 2, sizeSuppressed: false }).size).toBe(9); // once only
  expect(onCount(s, count(10, entry(3))).size).toBe(10);
});

/**
 * Changes and the counts made for them, as the two feeds deliver them: each feed in its
 * own order, which speaks next generated; a count may hold later changes (it is made after
 * its own change was written, not before the next), and some counts are lost.
 */
const feeds = (direction: 'any' | 'entries' | 'exits', lose: boolean) =>
  fc
    .record({
      start: fc.nat(30),
      steps: fc.array(fc.record({ enter: fc.boolean(), countLag: fc.nat(4), lost: fc.boolean() }), {
        minLength: 1,
        maxLength: 25,
      }),
      order: fc.array(fc.boolean(), { maxLength: 60 }),
    })
    .map(({ start, steps, order }) => {
      const truth: number[] = [];
      const changes = steps.map((step, i) => {
        const before = truth[i - 1] ?? start;
        const enter =
          direction === 'entries' || (direction === 'any' && (step.enter || before === 0));
        truth.push(Math.max(0, before + (enter ? 1 : -1)));
        return entry(i, enter ? 'ENTERED' : 'LEFT');
      });
      const last = steps.length - 1;
      const counts = steps.map((step, i) => ({
        upTo: Math.min(last, i + step.countLag),
        lost: lose && step.lost && i !== last,
        lastChange: changes[i]!,
      }));
      counts[last]!.upTo = last;
      return { start, changes, counts, order, truth };
    })
    .filter(({ start, changes }) => direction !== 'exits' || start >= changes.length);

type Feeds = { changes: LiveChange[]; counts: { upTo: number; lost: boolean }[]; order: boolean[] };

/**
 * Plays both feeds into a LiveSize, calling `seen` after every message. With `heardFirst`,
 * a count comes only after the messages of every change it holds, as the gateway sends
 * them: a change is announced the moment its subject is written, and a count takes far
 * longer than a message (in the moment between, a count may run ahead).
 */
function play(
  { start, changes, counts, order, truth }: Feeds & { start: number; truth: number[] },
  seen: (s: LiveSize) => void,
  heardFirst = false,
): LiveSize {
  let s: LiveSize = liveSizeFrom(start);
  let c = 0;
  let k = 0;
  for (let step = 0; c < changes.length || k < counts.length; step++) {
    const countHeld = k < counts.length && heardFirst && counts[k]!.upTo >= c;
    if (k >= counts.length || (c < changes.length && (countHeld || (order[step] ?? true))))
      s = onChange(s, changes[c++]!);
    else {
      const made = counts[k++]!;
      if (!made.lost) {
        s = onCount(s, count(truth[made.upTo]!, changes[k - 1]!));
        if (s.pending.length === 0) expect(s.size).toBe(truth[made.upTo]);
      }
    }
    seen(s);
  }
  return s;
}

test('however the two feeds interleave, the shown size settles on the last count', () => {
  // In any order when no count is lost; with counts lost, in the order the gateway sends.
  for (const [lose, heardFirst] of [
    [false, false],
    [true, true],
  ] as const)
    fc.assert(
      fc.property(feeds('any', lose), (f) => {
        const s = play(f, (shown) => expect(shown.size).toBeGreaterThanOrEqual(0), heardFirst);
        expect(s.size).toBe(f.truth.at(-1));
        expect(s.pending).toEqual([]);
      }),
      { numRuns: 400 },
    );
});

test('a segment that only grows is never shown shrinking, and one that only shrinks never growing', () => {
  for (const direction of ['entries', 'exits'] as const)
    fc.assert(
      fc.property(feeds(direction, true), (f) => {
        let before = f.start;
        play(
          f,
          (shown) => {
            if (direction === 'entries') expect(shown.size).toBeGreaterThanOrEqual(before);
            else expect(shown.size).toBeLessThanOrEqual(before);
            before = shown.size!;
          },
          true,
        );
      }),
      { numRuns: 300 },
    );
});
