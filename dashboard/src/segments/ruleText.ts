// A segment rule (the JSON tree of src/segments/rules/rule.ts, as the API returns it) in
// words, as a tree: "all of", "any of" and "not" group; every leaf is one sentence.

export interface RuleLine {
  text: string;
  children: RuleLine[];
}

const OP_WORDS: Record<string, string> = {
  eq: 'is',
  ne: 'is not',
  in: 'is one of',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
};

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function value(v: unknown): string {
  if (Array.isArray(v)) return v.map(value).join(', ');
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

function comparison(o: Json): string {
  const [scope, name] = 'trait' in o ? ['trait', o.trait] : ['computed trait', o.computed];
  if (o.op === 'exists')
    return `${scope} ${String(name)} ${o.value === false ? 'is absent' : 'is present'}`;
  const op = typeof o.op === 'string' ? (OP_WORDS[o.op] ?? o.op) : '?';
  return `${scope} ${String(name)} ${op} ${value(o.value)}`;
}

const days = (n: unknown) => (n === 1 ? 'the last day' : `the last ${value(n)} days`);

function leaf(o: Json): string {
  if ('trait' in o || 'computed' in o) return comparison(o);
  if ('event' in o) {
    return `event ${value(o.event)} at least ${value(o.atLeast ?? 1)}× in ${days(o.withinDays)}`;
  }
  if ('ordered' in o && isObject(o.ordered)) return `ordered in ${days(o.ordered.withinDays)}`;
  if ('noOrderWithinDays' in o) return `no order in ${days(o.noOrderWithinDays)}`;
  if ('inSegment' in o) return `in segment ${value(o.inSegment)}`;
  if ('inCluster' in o && isObject(o.inCluster))
    return `in cluster ${value(o.inCluster.cluster)} of clustering ${value(o.inCluster.clustering)}`;
  return JSON.stringify(o);
}

export function describeRule(rule: unknown): RuleLine {
  if (!isObject(rule)) return { text: JSON.stringify(rule), children: [] };
  for (const [key, label] of [
    ['and', 'all of'],
    ['or', 'any of'],
  ] as const) {
    const list = rule[key];
    if (Array.isArray(list)) return { text: label, children: list.map(describeRule) };
  }
  if ('not' in rule) return { text: 'not', children: [describeRule(rule.not)] };
  return { text: leaf(rule), children: [] };
}
