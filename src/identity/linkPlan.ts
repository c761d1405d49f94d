import { type Identifier, type IdentifierKind, identityKey } from './kinds';

/** Identifiers per kind held by a profile cluster (or by the plan so far). */
export type KindSets = Map<IdentifierKind, Set<string>>;

export interface LinkPlanInput {
  /** The record's identifiers, normalised and in priority order. */
  identifiers: Identifier[];
  /** Current owner (cluster root) of each identifier key that is already claimed. */
  ownerRoot: Map<string, string>;
  /** Identifiers held by each cluster root named in `ownerRoot`. */
  clusterIdentifiers: Map<string, KindSets>;
  limits: Partial<Record<IdentifierKind, number>>;
}

export interface SkippedIdentifier {
  identifier: Identifier;
  /** The cluster that holds it, when it is claimed elsewhere. */
  ownerRoot: string | null;
  reason: string;
}

export interface LinkPlan {
  /** Clusters the record links together, in the order they were linked. */
  roots: string[];
  /** For each linked root: the record's identifier through which it was linked. */
  linkedBy: Map<string, Identifier>;
  /** Unclaimed identifiers the record's profile will claim. */
  claims: Identifier[];
  /** Identifiers the record carries but that cannot be linked without breaking a limit. */
  skipped: SkippedIdentifier[];
}

/**
 * Decides which existing profiles a record joins and which identifiers it claims.
 * Identifiers are walked in priority order; each either joins its owner's cluster to the
 * plan, or is claimed, unless doing so would give the merged profile more identifiers of
 * some kind than its limit allows (e.g. two different USER_IDs on a shared device): then
 * the identifier stays where it is and the record does not link through it.
 */
export function planLinks(input: LinkPlanInput): LinkPlan {
  const plan: LinkPlan = { roots: [], linkedBy: new Map(), claims: [], skipped: [] };
  let combined: KindSets = new Map();

  for (const identifier of input.identifiers) {
    const root = input.ownerRoot.get(identityKey(identifier)) ?? null;
    if (root !== null && plan.roots.includes(root)) continue;

    const adding: KindSets =
      root === null
        ? new Map([[identifier.kind, new Set([identifier.value])]])
        : (input.clusterIdentifiers.get(root) ??
          new Map([[identifier.kind, new Set([identifier.value])]]));
    const violation = limitViolation(combined, adding, input.limits);
    if (violation) {
      plan.skipped.push({ identifier, ownerRoot: root, reason: violation });
      continue;
    }
    combined = union(combined, adding);
    if (root === null) {
      plan.claims.push(identifier);
    } else {
      plan.linkedBy.set(root, identifier);
      plan.roots.push(root);
    }
  }
  return plan;
}

/**
 * A union breaks a limit only if it holds more of a kind than the limit AND more than
 * either side already held: a cluster that is over its limit already (limits changed, or
 * a race between writers) can still be written to, it just cannot grow in that kind.
 */
export function limitViolation(
  a: KindSets,
  b: KindSets,
  limits: Partial<Record<IdentifierKind, number>>,
): string | null {
  for (const [kind, values] of b) {
    const limit = limits[kind];
    if (limit === undefined) continue;
    const existing = a.get(kind) ?? new Set<string>();
    const merged = new Set([...existing, ...values]);
    if (merged.size > limit && merged.size > existing.size && merged.size > values.size) {
      return `linking would give one profile ${merged.size} ${kind} identifiers; the limit is ${limit}`;
    }
  }
  return null;
}

export function union(a: KindSets, b: KindSets): KindSets {
  const out: KindSets = new Map();
  for (const src of [a, b]) {
    for (const [kind, values] of src) {
      const set = out.get(kind) ?? new Set<string>();
      for (const v of values) set.add(v);
      out.set(kind, set);
    }
  }
  return out;
}

export function kindSets(ids: Identifier[]): KindSets {
  return union(new Map(), new Map(groupByKind(ids)));
}

function groupByKind(ids: Identifier[]): [IdentifierKind, Set<string>][] {
  const m = new Map<IdentifierKind, Set<string>>();
  for (const id of ids) {
    const set = m.get(id.kind) ?? new Set<string>();
    set.add(id.value);
    m.set(id.kind, set);
  }
  return [...m];
}
