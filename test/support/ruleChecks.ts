import { parseRule, refusePersonalComparisons } from '../../src/segments/rules/rule';

/**
 * Where `refusePersonalComparisons` refuses a rule as sent (`rule.and[1].trait`), or null
 * when it lets the rule through.
 */
export function refusedAt(
  rule: unknown,
  known?: Parameters<typeof refusePersonalComparisons>[1],
): string | null {
  try {
    refusePersonalComparisons(parseRule(rule), known);
    return null;
  } catch (err) {
    return (err as { field?: string }).field ?? String(err);
  }
}
