import { getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { queryShapeRule, type QueryLimits } from '../../src/graphql/limits/queryShape';
import { buildSchema } from '../../src/graphql/schema';
import { testConfig } from '../support/env';

// The rule on its own, over the real schema: what Apollo and graphql-ws run before executing.
const schema = buildSchema();
const defaults: QueryLimits = testConfig().graphql;

function check(query: string, limits: QueryLimits = defaults, withStandardRules = false) {
  const rules = [...(withStandardRules ? specifiedRules : []), queryShapeRule(limits)];
  const document = parse(query);
  const started = performance.now();
  const errors = validate(schema, document, rules);
  return { errors, ms: performance.now() - started };
}

const codes = (errors: readonly { extensions: Record<string, unknown> }[]) =>
  errors.map((e) => e.extensions.code);

/** The depth and cost the rule works out, read back from its messages. */
function figures(query: string): { depth: number; cost: number } {
  const depth = check(query, { maxDepth: 0, maxCost: 1e12 }).errors[0]?.message;
  const cost = check(query, { maxDepth: 1e6, maxCost: 0 }).errors[0]?.message;
  return {
    depth: Number(/(\d+) deep/.exec(depth ?? '')?.[1]),
    cost: Number(/about (\d+) fields/.exec(cost ?? '')?.[1]),
  };
}

/** `fragment Fi on Profile { ...Fi+1 ...Fi+1 }`, n levels: 2^n spreads of the last one. */
function doublingFragments(n: number): string {
  let query = '{ profile(id: "x") { ...F0 } }\n';
  for (let i = 0; i < n; i++) query += `fragment F${i} on Profile { ...F${i + 1} ...F${i + 1} }\n`;
  return query + `fragment F${n} on Profile { id }\n`;
}

describe('query shape: fragments', () => {
  test('fragments spread twice per level are measured once each, not 2^n times', () => {
    // Before memoising, n = 22 took seconds and n = 40 would take days.
    for (const n of [22, 40]) {
      for (const withStandardRules of [false, true]) {
        const { errors, ms } = check(doublingFragments(n), defaults, withStandardRules);
        expect(ms).toBeLessThan(200);
        expect(codes(errors)).toContain('QUERY_TOO_COSTLY');
      }
    }
    // The figures stay finite: past the ceiling the message says so.
    expect(check(doublingFragments(40)).errors[0]?.message).toMatch(
      /could resolve more than \d+ fields; the limit is 50000/,
    );
    // Exact while under the ceiling: profile + 2^n × id.
    expect(figures(doublingFragments(20)).cost).toBe(1 + 2 ** 20);
  });

  test('a long chain of fragments neither recurses nor overflows the stack', () => {
    // Recursing fragment to fragment overflowed the stack at a few thousand.
    const n = 5_000;
    let query = '{ profile(id: "x") { ...F0 } }\n';
    for (let i = 0; i < n; i++) query += `fragment F${i} on Profile { id ...F${i + 1} }\n`;
    query += `fragment F${n} on Profile { identifiers { kind } }\n`;
    const { errors, ms } = check(query, { maxDepth: 12, maxCost: 1e9 });
    expect(errors).toEqual([]);
    expect(ms).toBeLessThan(1_000);
    expect(figures(query)).toEqual({ depth: 3, cost: 1 + n + 10 + 10 });
  });

  test('fragment cycles end the measurement (NoFragmentCycles reports them)', () => {
    const cyclic = `{ profile(id: "x") { ...A } }
      fragment A on Profile { id ...B }
      fragment B on Profile { identifiers { kind } ...A ...C }
      fragment C on Profile { ...C mergedFrom }`;
    expect(check(cyclic).errors).toEqual([]);
    const withStandardRules = check(cyclic, defaults, true).errors.map((e) => e.message);
    expect(withStandardRules.join('\n')).toMatch(/Cannot spread fragment "A" within itself/);
  });

  test('fragments still count like the same fields written inline, in and out of pages', () => {
    const inline = `{
      profiles(first: 5) { edges { node {
        id identifiers { kind value }
        segments { members { edges { node { identifiers { kind } mergedFrom } } } }
      } } }
      profile(id: "x") {
        id identifiers { kind value }
        segments { members { edges { node { identifiers { kind } mergedFrom } } } }
        sources { source }
      }
    }`;
    const viaFragments = `{
      profiles(first: 5) { edges { node { ...P } } }
      profile(id: "x") { ...P ... on Profile { sources { source } } }
    }
    fragment P on Profile { id identifiers { kind value } segments { members { ...M } } }
    fragment M on ProfileConnection { edges { node { ...Q } } }
    fragment Q on Profile { identifiers { kind } mergedFrom }`;
    expect(figures(viaFragments)).toEqual(figures(inline));
    // The pinned arithmetic: 100 profiles × 100 orders (`edges` inside a page counts once).
    expect(
      figures(
        '{ profiles(first: 100) { edges { node { orders(first: 100) { edges { node { orderId total } } } } } } }',
      ),
    ).toEqual({ depth: 7, cost: 3 * 100 + 5 * 100 * 100 });
  });
});

describe('query shape: introspection', () => {
  test('meta fields count like other fields: lists without `first` as 10', () => {
    expect(figures('{ __schema { types { name } } }')).toEqual({ depth: 3, cost: 1 + 10 + 10 });
    expect(figures('{ __type(name: "Profile") { fields { name } } }')).toEqual({
      depth: 3,
      cost: 1 + 10 + 10,
    });
    expect(figures('{ __typename profile(id: "x") { __typename } }')).toEqual({
      depth: 2,
      cost: 3,
    });
  });

  test('aliases of an introspection selection add up, and are refused under the defaults', () => {
    const selection = '__schema { types { name fields { name type { name } } } }';
    const aliases = Array.from({ length: 300 }, (_, i) => `a${i}: ${selection}`).join('\n');
    const { errors } = check(`{ ${aliases} }`);
    expect(codes(errors)).toEqual(['QUERY_TOO_COSTLY']);
    expect(figures(`{ ${aliases} }`).cost).toBe(300 * figures(`{ ${selection} }`).cost);
  });

  test('the standard introspection query passes the defaults, a few copies of it do not', () => {
    for (const options of [
      {},
      { inputValueDeprecation: true, specifiedByUrl: true, oneOf: true },
    ]) {
      const standard = getIntrospectionQuery(options);
      expect(check(standard, defaults, true).errors).toEqual([]);
      const copies = standard.replace(
        /__schema \{/,
        (open) =>
          `${['a', 'b', 'c'].map((alias) => `${alias}: __schema { types { ...FullType } }`).join(' ')} ${open}`,
      );
      expect(codes(check(copies).errors)).toEqual(['QUERY_TOO_COSTLY']);
    }
    // `ofType` nested past the deepest wrapping in the schema is null: nothing below it counts.
    const refs = (levels: number) =>
      `{ __type(name: "Profile") { fields { type ${'{ kind ofType '.repeat(levels)}{ kind }${' }'.repeat(levels)} } } }`;
    expect(figures(refs(9)).depth).toBeLessThan(9);
    expect(figures(refs(100))).toEqual(figures(refs(9)));
  });
});
