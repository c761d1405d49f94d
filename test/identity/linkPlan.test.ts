import fc from 'fast-check';
import { identityKey, type Identifier, type IdentifierKind } from '../../src/identity/kinds';
import { kindSets, planLinks } from '../../src/identity/linkPlan';
import { sortByPriority } from '../../src/identity/normalise';

const id = (kind: IdentifierKind, value: string): Identifier => ({ kind, value });

describe('link planning', () => {
  it('claims every identifier of a record nobody knows', () => {
    const ids = [id('EMAIL', 'a@x.com'), id('ANONYMOUS_ID', 'd1')];
    const plan = planLinks({
      identifiers: ids,
      ownerRoot: new Map(),
      clusterIdentifiers: new Map(),
      limits: {},
    });
    expect(plan).toMatchObject({ roots: [], claims: ids, skipped: [] });
  });

  it('links every cluster the record touches when no limit is in the way', () => {
    const ids = sortByPriority([
      id('EMAIL', 'a@x.com'),
      id('ANONYMOUS_ID', 'd1'),
      id('PHONE', '+14155550100'),
    ]);
    const plan = planLinks({
      identifiers: ids,
      ownerRoot: new Map([
        ['email:a@x.com', 'P1'],
        ['anonymous_id:d1', 'P2'],
      ]),
      clusterIdentifiers: new Map([
        ['P1', kindSets([id('EMAIL', 'a@x.com')])],
        ['P2', kindSets([id('ANONYMOUS_ID', 'd1')])],
      ]),
      limits: { USER_ID: 1 },
    });
    expect(plan.roots).toEqual(['P1', 'P2']);
    expect(plan.claims).toEqual([id('PHONE', '+14155550100')]);
    expect(plan.linkedBy.get('P2')).toEqual(id('ANONYMOUS_ID', 'd1'));
  });

  it('keeps a shared device with its first user when linking would give a profile two user ids', () => {
    const plan = planLinks({
      identifiers: sortByPriority([id('USER_ID', 'u2'), id('ANONYMOUS_ID', 'shared')]),
      ownerRoot: new Map([['anonymous_id:shared', 'P1']]),
      clusterIdentifiers: new Map([
        ['P1', kindSets([id('USER_ID', 'u1'), id('ANONYMOUS_ID', 'shared')])],
      ]),
      limits: { USER_ID: 1 },
    });
    expect(plan.roots).toEqual([]);
    expect(plan.claims).toEqual([id('USER_ID', 'u2')]);
    expect(plan.skipped).toEqual([
      expect.objectContaining({ identifier: id('ANONYMOUS_ID', 'shared'), ownerRoot: 'P1' }),
    ]);
  });

  it('never plans a profile with more identifiers of a kind than its limit, unless a cluster already had them', () => {
    const kinds: IdentifierKind[] = ['USER_ID', 'EMAIL', 'ANONYMOUS_ID'];
    const identifier = fc.record({
      kind: fc.constantFrom(...kinds),
      value: fc.constantFrom('1', '2', '3', '4'),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(identifier, { selector: identityKey, minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom('P1', 'P2', 'P3', null), { minLength: 6, maxLength: 6 }),
        fc.record({
          USER_ID: fc.integer({ min: 1, max: 2 }),
          EMAIL: fc.integer({ min: 1, max: 3 }),
        }),
        (raw, owners, limits) => {
          const identifiers = sortByPriority(raw);
          const ownerRoot = new Map<string, string>();
          identifiers.forEach((i, n) => owners[n] && ownerRoot.set(identityKey(i), owners[n]));
          const clusters = new Map<string, Identifier[]>();
          for (const [key, root] of ownerRoot) {
            const owned = identifiers.find((i) => identityKey(i) === key)!;
            clusters.set(root, [...(clusters.get(root) ?? []), owned]);
          }
          const plan = planLinks({
            identifiers,
            ownerRoot,
            clusterIdentifiers: new Map([...clusters].map(([r, ids]) => [r, kindSets(ids)])),
            limits,
          });
          const result = [...plan.claims, ...plan.roots.flatMap((r) => clusters.get(r) ?? [])];
          for (const kind of ['USER_ID', 'EMAIL'] as const) {
            const count = new Set(result.filter((i) => i.kind === kind).map((i) => i.value)).size;
            const largestCluster = Math.max(
              0,
              ...[...clusters.values()].map((ids) => ids.filter((i) => i.kind === kind).length),
            );
            expect(count).toBeLessThanOrEqual(Math.max(limits[kind], largestCluster));
          }
          // Every identifier is either claimed, linked through its cluster, or reported skipped.
          for (const i of identifiers) {
            const root = ownerRoot.get(identityKey(i));
            const accounted =
              plan.claims.includes(i) ||
              (root !== undefined && plan.roots.includes(root)) ||
              plan.skipped.some((s) => s.identifier === i);
            expect(accounted).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
