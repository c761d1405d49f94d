import type { Filter } from 'mongodb';
import { eventWindowKey, type Rule } from '../../segments/rules/rule';
import { type SegmentSubject, windowStart } from '../../segments/rules/subject';

/**
 * Compiles a rule to a MongoDB filter over segment subjects, for full refreshes: the
 * store's side of the rule language (`segments/rules/toPredicate.ts` is the in-memory
 * side, and both must agree on every document, see test/segments). Uses only operators
 * that MongoDB 6+ and FerretDB both serve ($and, $or, $nor, $eq, $ne, $in, $gt, $gte,
 * $lt, $lte, $exists). Time-relative parts are fixed at `now`.
 */
export function toMongoFilter<T extends SegmentSubject = SegmentSubject>(
  rule: Rule,
  now: Date,
): Filter<T> {
  return compile(rule, now) as Filter<T>;
}

function compile(rule: Rule, now: Date): Record<string, unknown> {
  if ('and' in rule) return { $and: rule.and.map((r) => compile(r, now)) };
  if ('or' in rule) return { $or: rule.or.map((r) => compile(r, now)) };
  if ('not' in rule) return { $nor: [compile(rule.not, now)] };
  if ('field' in rule) {
    const path = `${rule.field.scope}.${rule.field.name}`;
    switch (rule.op) {
      case 'eq':
        return { [path]: { $eq: rule.value } };
      case 'exists':
        return { [path]: { $exists: rule.value } };
      default:
        return { [path]: { [`$${rule.op}`]: rule.value } };
    }
  }
  if ('event' in rule)
    return { [`activity.${eventWindowKey(rule.event, rule.withinDays)}`]: { $gte: rule.atLeast } };
  if ('ordered' in rule)
    return { 'computed.lastOrderAt': { $gte: windowStart(now, rule.ordered.withinDays) } };
  if ('inCluster' in rule)
    return { [`clusters.${rule.inCluster.clustering}`]: { $eq: rule.inCluster.cluster } };
  return { segments: { $eq: rule.inSegment } };
}
