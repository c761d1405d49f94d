import { eventWindowKey, type Rule, type Scalar } from './rule';
import { type SegmentSubject, windowStart } from './subject';

/**
 * Compiles a rule to an in-memory test of one profile, for real-time evaluation when a
 * profile changes. It must agree with the store's filter (`toMongoFilter`, in
 * `store/mongo/segmentRuleFilter.ts`) on every document, so it follows MongoDB's query
 * semantics rather than JavaScript's: an array matches when one of its elements does;
 * values compare only within a type (numbers, strings by UTF-8 bytes, booleans, dates);
 * `ne` and `not` also match a missing field. The agreement is tested on generated profiles
 * and rules against the real store (test/segments).
 */
export function toPredicate(rule: Rule, now: Date): (subject: SegmentSubject) => boolean {
  return compile(rule, now);
}

type Test = (subject: SegmentSubject) => boolean;
const MISSING = Symbol('missing');
type Value = unknown;

function compile(rule: Rule, now: Date): Test {
  if ('and' in rule) {
    const parts = rule.and.map((r) => compile(r, now));
    return (s) => parts.every((p) => p(s));
  }
  if ('or' in rule) {
    const parts = rule.or.map((r) => compile(r, now));
    return (s) => parts.some((p) => p(s));
  }
  if ('not' in rule) {
    const inner = compile(rule.not, now);
    return (s) => !inner(s);
  }
  if ('field' in rule) {
    const { scope, name } = rule.field;
    const get = (s: SegmentSubject): Value => field(s[scope], name);
    const value = rule.value;
    switch (rule.op) {
      case 'eq':
        return (s) => matchesAny(get(s), (x) => same(x, value as Scalar));
      case 'ne':
        return (s) => !matchesAny(get(s), (x) => same(x, value as Scalar));
      case 'in': {
        const list = value as Scalar[];
        return (s) => matchesAny(get(s), (x) => list.some((v) => same(x, v)));
      }
      case 'exists':
        return (s) => (get(s) !== MISSING) === value;
      default: {
        const op = rule.op;
        return (s) => matchesAny(get(s), (x) => ordered(x, op, value as Scalar));
      }
    }
  }
  if ('event' in rule) {
    const key = eventWindowKey(rule.event, rule.withinDays);
    return (s) => matchesAny(field(s.activity, key), (x) => ordered(x, 'gte', rule.atLeast));
  }
  if ('ordered' in rule) {
    const start = windowStart(now, rule.ordered.withinDays);
    return (s) => matchesAny(field(s.computed, 'lastOrderAt'), (x) => ordered(x, 'gte', start));
  }
  if ('inCluster' in rule) {
    const { clustering, cluster } = rule.inCluster;
    return (s) => matchesAny(field(s.clusters, clustering), (x) => x === cluster);
  }
  const id = rule.inSegment;
  return (s) => matchesAny(s.segments === undefined ? MISSING : s.segments, (x) => x === id);
}

function field(container: unknown, name: string): Value {
  if (container === null || typeof container !== 'object' || Array.isArray(container))
    return MISSING;
  return Object.prototype.hasOwnProperty.call(container, name)
    ? (container as Record<string, unknown>)[name]
    : MISSING;
}

/** A field matches when its value does or, for an array, when one of its elements does. */
function matchesAny(value: Value, test: (x: unknown) => boolean): boolean {
  if (value === MISSING) return false;
  if (Array.isArray(value)) return value.some(test);
  return test(value);
}

function same(x: unknown, v: Scalar): boolean {
  return typeof x === typeof v && x === v;
}

function ordered(x: unknown, op: string, v: Scalar | Date): boolean {
  let c: number;
  if (typeof x === 'number' && typeof v === 'number') c = x - v;
  else if (typeof x === 'string' && typeof v === 'string')
    c = Buffer.compare(Buffer.from(x), Buffer.from(v));
  else if (x instanceof Date && v instanceof Date) c = x.getTime() - v.getTime();
  else return false;
  switch (op) {
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    default:
      return c <= 0;
  }
}
