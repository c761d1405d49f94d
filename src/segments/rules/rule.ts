import { createHash } from 'node:crypto';
import { isPersonalKey } from '../../auth/mask';
import { badInput, ErrorCode, MosaicError } from '../../errors';

/**
 * The segment rule language: a small JSON tree, the same whether it arrives through
 * GraphQL (`defineSegment(rule: JSON)`) or from a stored definition.
 *
 *   { "and": [rule, …] }   { "or": [rule, …] }   { "not": rule }
 *   { "trait": "plan", "op": "eq", "value": "pro" }          (traits as merged)
 *   { "computed": "lifetimeValue", "op": "gte", "value": 500 } (computed traits)
 *   { "event": "Order Completed", "atLeast": 2, "withinDays": 30 }
 *   { "ordered": { "withinDays": 30 } }   { "noOrderWithinDays": 30 }
 *   { "inSegment": "<segment id>" }
 *   { "inCluster": { "clustering": "<clustering id>", "cluster": "<cluster id>" } }
 *
 * Operators: eq, ne, in (a list), gt, gte, lt, lte (a number or a string), exists (true or
 * false). Comparisons follow MongoDB's query semantics, because a rule is also run as a
 * MongoDB filter: an array field matches when any element does, values of different
 * types never compare, strings compare by their UTF-8 bytes.
 */
export type Scalar = string | number | boolean;
export type ComparisonOp = 'eq' | 'ne' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';

export type Rule =
  | { and: Rule[] }
  | { or: Rule[] }
  | { not: Rule }
  | { field: FieldRef; op: ComparisonOp; value: Scalar | Scalar[] }
  | { event: string; atLeast: number; withinDays: number }
  | { ordered: { withinDays: number } }
  | { inSegment: string }
  /** The cluster enrichment last assigned the profile to, in a clustering (#23). */
  | { inCluster: { clustering: string; cluster: string } };

/** A trait or a computed trait, by name. */
export interface FieldRef {
  scope: 'traits' | 'computed';
  name: string;
}

const OPS: readonly ComparisonOp[] = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte', 'exists'];
const MAX_DEPTH = 16;
const MAX_NODES = 200;
const MAX_DAYS = 3650;
/** Event windows reach back as far as enrichment reads events. */
export const MAX_EVENT_DAYS = 90;
const MAX_LIST = 500;
const MAX_STRING = 500;

/**
 * Validates a rule as sent by a client and returns it in its internal form. Errors name
 * the exact place (`rule.and[1].op`) and what was expected there.
 */
export function parseRule(input: unknown, path = 'rule'): Rule {
  const counter = { nodes: 0 };
  return parse(input, path, 0, counter);
}

function parse(input: unknown, path: string, depth: number, counter: { nodes: number }): Rule {
  if (depth > MAX_DEPTH) throw badInput(path, `rules nest at most ${MAX_DEPTH} levels deep`);
  if (++counter.nodes > MAX_NODES) throw badInput(path, `a rule has at most ${MAX_NODES} parts`);
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw badInput(
      path,
      'expected a rule object such as {"trait": "plan", "op": "eq", "value": "pro"}',
    );
  const o = input as Record<string, unknown>;
  // The first key recognised, in this order, says what the rule is; its form then allows
  // no other keys than its own.
  if ('and' in o || 'or' in o) {
    const kind = 'and' in o ? 'and' : 'or';
    onlyKeys(o, path, [kind]);
    const list = o[kind];
    if (!Array.isArray(list) || list.length === 0)
      throw badInput(`${path}.${kind}`, 'expected a non-empty list of rules');
    const rules = list.map((r, i) => parse(r, `${path}.${kind}[${i}]`, depth + 1, counter));
    return kind === 'and' ? { and: rules } : { or: rules };
  }
  if ('not' in o) {
    onlyKeys(o, path, ['not']);
    return { not: parse(o.not, `${path}.not`, depth + 1, counter) };
  }
  if ('trait' in o || 'computed' in o) return comparisonRule(o, path);
  if ('event' in o) return eventRule(o, path);
  if ('ordered' in o) return orderedRule(o, path);
  if ('noOrderWithinDays' in o) return noOrderRule(o, path);
  if ('inSegment' in o) return inSegmentRule(o, path);
  if ('inCluster' in o) return inClusterRule(o, path);
  const keys = Object.keys(o);
  throw badInput(
    path,
    `expected one of the keys and, or, not, trait, computed, event, ordered, noOrderWithinDays, inSegment, inCluster; got ${keys.length === 0 ? 'an empty object' : keys.map((k) => JSON.stringify(k)).join(', ')}`,
  );
}

/** Refuses a rule object with keys other than `allowed`, naming the first one. */
function onlyKeys(o: Record<string, unknown>, path: string, allowed: string[]): void {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length > 0)
    throw badInput(`${path}.${extra[0]}`, `unexpected key; expected only ${allowed.join(', ')}`);
}

/** `{ "trait" | "computed": name, "op": op, "value": operand }` */
function comparisonRule(o: Record<string, unknown>, path: string): Rule {
  const scope = 'trait' in o ? 'traits' : 'computed';
  const key = scope === 'traits' ? 'trait' : 'computed';
  onlyKeys(o, path, [key, 'op', 'value']);
  const name = fieldName(o[key], `${path}.${key}`);
  const op = o.op;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op))
    throw badInput(`${path}.op`, `expected one of ${OPS.join(', ')}, got ${JSON.stringify(op)}`);
  return {
    field: { scope, name },
    op: op as ComparisonOp,
    value: operand(op as ComparisonOp, o.value, `${path}.value`),
  };
}

/** `{ "event": name, "atLeast": n (default 1), "withinDays": days }` */
function eventRule(o: Record<string, unknown>, path: string): Rule {
  onlyKeys(o, path, ['event', 'atLeast', 'withinDays']);
  if (typeof o.event !== 'string' || o.event.trim() === '' || o.event.length > MAX_STRING)
    throw badInput(`${path}.event`, `expected an event name (1-${MAX_STRING} characters)`);
  return {
    event: o.event,
    atLeast: wholeNumber(o.atLeast ?? 1, `${path}.atLeast`, 1, 1_000_000),
    // Enrichment counts events of the last 90 days (src/workers/enrichmentProcessor.ts).
    withinDays: wholeNumber(o.withinDays, `${path}.withinDays`, 1, MAX_EVENT_DAYS),
  };
}

/** `{ "ordered": { "withinDays": days } }` */
function orderedRule(o: Record<string, unknown>, path: string): Rule {
  onlyKeys(o, path, ['ordered']);
  const inner = o.ordered;
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner))
    throw badInput(`${path}.ordered`, 'expected {"withinDays": N}');
  const extra = Object.keys(inner).filter((k) => k !== 'withinDays');
  if (extra.length > 0)
    throw badInput(`${path}.ordered.${extra[0]}`, 'unexpected key; expected only withinDays');
  return {
    ordered: {
      withinDays: wholeNumber(
        (inner as { withinDays?: unknown }).withinDays,
        `${path}.ordered.withinDays`,
        1,
        MAX_DAYS,
      ),
    },
  };
}

/** `{ "noOrderWithinDays": days }`: shorthand for `{ "not": { "ordered": … } }`. */
function noOrderRule(o: Record<string, unknown>, path: string): Rule {
  onlyKeys(o, path, ['noOrderWithinDays']);
  return {
    not: {
      ordered: {
        withinDays: wholeNumber(o.noOrderWithinDays, `${path}.noOrderWithinDays`, 1, MAX_DAYS),
      },
    },
  };
}

/** `{ "inSegment": segment id }` */
function inSegmentRule(o: Record<string, unknown>, path: string): Rule {
  onlyKeys(o, path, ['inSegment']);
  if (typeof o.inSegment !== 'string' || o.inSegment.trim() === '' || o.inSegment.length > 100)
    throw badInput(`${path}.inSegment`, 'expected a segment id');
  return { inSegment: o.inSegment };
}

/** `{ "inCluster": { "clustering": id, "cluster": id } }` */
function inClusterRule(o: Record<string, unknown>, path: string): Rule {
  onlyKeys(o, path, ['inCluster']);
  const inner = o.inCluster;
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner))
    throw badInput(`${path}.inCluster`, 'expected {"clustering": id, "cluster": id}');
  const fields = inner as Record<string, unknown>;
  onlyKeys(fields, `${path}.inCluster`, ['clustering', 'cluster']);
  // Both are used as a field path of the subject (`clusters.<clustering>`): ids only.
  const id = (key: string): string => {
    const value = fields[key];
    if (typeof value !== 'string' || !/^[a-z0-9][a-z0-9-]{0,99}$/.test(value))
      throw badInput(`${path}.inCluster.${key}`, `expected a ${key} id (a-z, 0-9 and -)`);
    return value;
  };
  return { inCluster: { clustering: id('clustering'), cluster: id('cluster') } };
}

function fieldName(value: unknown, path: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]{0,99}$/.test(value))
    throw badInput(
      path,
      `expected a field name (letters, digits, _ and -, not starting with a digit), got ${JSON.stringify(value)}`,
    );
  return value;
}

function operand(op: ComparisonOp, value: unknown, path: string): Scalar | Scalar[] {
  switch (op) {
    case 'exists':
      if (typeof value !== 'boolean') throw badInput(path, 'exists takes true or false');
      return value;
    case 'in': {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST)
        throw badInput(path, `in takes a list of 1-${MAX_LIST} values`);
      return value.map((v, i) => scalar(v, `${path}[${i}]`));
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof value === 'boolean')
        throw badInput(path, `${op} compares numbers or strings, not booleans`);
      return scalar(value, path);
    default:
      return scalar(value, path);
  }
}

function scalar(value: unknown, path: string): Scalar {
  if (typeof value === 'string') {
    if (value.length > MAX_STRING) throw badInput(path, `longer than ${MAX_STRING} characters`);
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value;
  throw badInput(
    path,
    `expected a string, a number or a boolean, got ${value === null ? 'null' : typeof value}`,
  );
}

function wholeNumber(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw badInput(
      path,
      `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  return value;
}

/**
 * Where a profile's count of `event` over the last `days` days is kept (`activity.<key>`),
 * maintained by enrichment for every window some segment uses. Event names can hold any
 * character, so the key is a digest of the name.
 */
export function eventWindowKey(event: string, days: number): string {
  return `e${createHash('sha256').update(event).digest('hex').slice(0, 20)}_${days}d`;
}

/** The (event, days) windows a rule reads, for enrichment to keep up to date. */
export function eventWindows(rule: Rule): { event: string; days: number }[] {
  if ('and' in rule) return rule.and.flatMap(eventWindows);
  if ('or' in rule) return rule.or.flatMap(eventWindows);
  if ('not' in rule) return eventWindows(rule.not);
  if ('event' in rule) return [{ event: rule.event, days: rule.withinDays }];
  return [];
}

/** Segments a rule refers to (for dependency order and cycle checks). */
export function referencedSegments(rule: Rule): string[] {
  if ('and' in rule) return rule.and.flatMap(referencedSegments);
  if ('or' in rule) return rule.or.flatMap(referencedSegments);
  if ('not' in rule) return referencedSegments(rule.not);
  if ('inSegment' in rule) return [rule.inSegment];
  return [];
}

/** Clusterings a rule refers to (`inCluster`), so a clustering is not deleted under it. */
export function referencedClusterings(rule: Rule): string[] {
  if ('and' in rule) return rule.and.flatMap(referencedClusterings);
  if ('or' in rule) return rule.or.flatMap(referencedClusterings);
  if ('not' in rule) return referencedClusterings(rule.not);
  if ('inCluster' in rule) return [rule.inCluster.clustering];
  return [];
}

/**
 * What decides, beyond a trait's name, whether a rule touches personal data: the trait
 * keys learned to have held values masked by their looks (`src/profiles/personalTraits.ts`),
 * and the rules of the segments an `inSegment` may refer to.
 */
export interface KnownPersonalData {
  learned: ReadonlySet<string>;
  /** A segment's rule by id; undefined for an unknown segment. */
  ruleOf(segmentId: string): Rule | undefined;
}

/** Trait names alone: no key learned, no segment known. */
const BY_NAME_ONLY: KnownPersonalData = { learned: new Set(), ruleOf: () => undefined };

/**
 * Refuses, for a caller who may not see personal data, a rule that compares a personal
 * trait with anything but `exists`: one whose name says it holds personal data, as masking
 * reads it (`emails`, `phones`, `firstName`, `birthDate`, `address` …), or one learned to
 * have held a value masked by its looks (`contact: "sam@example.com"`). Its members and
 * size are visible to that caller, so `{"trait": "emails", "op": "lt", "value": "m"}`,
 * narrowed step by step, would spell out a stored value that masking hides. Nor may the
 * rule refer to a segment that compares one (`inSegment`): `{"or": [{"inSegment": …},
 * <a large set>]}` would tell that segment's exact size past its floor. The error names
 * the place in the rule as sent (`rule.and[1].trait`). Computed traits are Mosaic's own:
 * only their names count.
 */
export function refusePersonalComparisons(
  rule: Rule,
  known: KnownPersonalData = BY_NAME_ONLY,
  path = 'rule',
): void {
  if ('and' in rule)
    return rule.and.forEach((r, i) => refusePersonalComparisons(r, known, `${path}.and[${i}]`));
  if ('or' in rule)
    return rule.or.forEach((r, i) => refusePersonalComparisons(r, known, `${path}.or[${i}]`));
  if ('not' in rule) return refusePersonalComparisons(rule.not, known, `${path}.not`);
  if ('inSegment' in rule) {
    const referenced = known.ruleOf(rule.inSegment);
    if (referenced === undefined || !comparesPersonalTraits(referenced, known)) return;
    const at = `${path}.inSegment`;
    throw new MosaicError(
      ErrorCode.FORBIDDEN,
      `${at}: segment "${rule.inSegment}" compares personal data; this role may not build ` +
        `on it (combined with other rules, its size would tell how many members it has)`,
      at,
    );
  }
  if (!('field' in rule) || rule.op === 'exists') return;
  const why = personalBecause(rule.field, known.learned);
  if (why === null) return;
  const at = `${path}.${rule.field.scope === 'traits' ? 'trait' : 'computed'}`;
  throw new MosaicError(
    ErrorCode.FORBIDDEN,
    `${at}: "${rule.field.name}" ${why}; this role may only test whether it exists ` +
      `({"op": "exists"}), not compare its value with ${rule.op} (an admin may)`,
    at,
  );
}

/**
 * Whether a rule compares (with anything but `exists`) a personal trait, as
 * refusePersonalComparisons judges it, directly or through the segments it refers to (an
 * unknown one counts as not personal). Sizes of such segments are floored for callers who
 * may not see personal data.
 */
export function comparesPersonalTraits(
  rule: Rule,
  known: KnownPersonalData,
  visited: Set<string> = new Set(),
): boolean {
  const inner = (r: Rule) => comparesPersonalTraits(r, known, visited);
  if ('and' in rule) return rule.and.some(inner);
  if ('or' in rule) return rule.or.some(inner);
  if ('not' in rule) return inner(rule.not);
  if ('field' in rule)
    return rule.op !== 'exists' && personalBecause(rule.field, known.learned) !== null;
  if ('inSegment' in rule) {
    // Each segment once: definitions have no cycles, but a stored one could slip in.
    if (visited.has(rule.inSegment)) return false;
    visited.add(rule.inSegment);
    const referenced = known.ruleOf(rule.inSegment);
    return referenced !== undefined && inner(referenced);
  }
  return false;
}

/** Why a field holds personal data, as the end of a sentence; null when it does not. */
function personalBecause(field: FieldRef, learned: ReadonlySet<string>): string | null {
  // Trait names hold no `.` today; should paths come, any personal step makes it personal.
  const steps = field.name.split('.');
  if (steps.some((step) => isPersonalKey(step))) return 'holds personal data';
  if (field.scope === 'traits' && learned.has(steps[0]!))
    return 'has held personal data (values masked as emails or phone numbers)';
  return null;
}
