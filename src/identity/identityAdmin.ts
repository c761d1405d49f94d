import { badInput, ErrorCode, MosaicError } from '../errors';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { ProfileDoc } from '../store/models';
import type { IdentityGraph } from './identityGraph';
import { Unmerger, type UnmergeResult } from './unmerge';

/**
 * An operator's corrections to the identity graph: merging two profiles by hand, and
 * splitting records back out. Both are recorded in the merge log.
 */
export class IdentityAdmin {
  private readonly unmerger: Unmerger;

  constructor(
    private readonly store: IdentityGraphStore,
    private readonly graph: IdentityGraph,
    private readonly hooks: {
      /** Two profiles an operator separated: matching must never merge them again on its own. */
      rememberDifferent: (profileA: string, profileB: string, reason: string) => Promise<void>;
      /** Profiles whose merge pointers changed: processes drop what they remembered of them. */
      announceSplit: (profileIds: string[]) => Promise<void>;
    },
  ) {
    this.unmerger = new Unmerger(store, graph);
  }

  async merge(
    profileId: string,
    otherProfileId: string,
    note: string | null,
    by: string,
  ): Promise<ProfileDoc> {
    if (note !== null && note.length > 1000) throw badInput('note', 'at most 1000 characters');
    const roots = await this.graph.rootsOf([profileId, otherProfileId]);
    const [a, b] = [roots.get(profileId)!, roots.get(otherProfileId)!];
    const views = await this.store.getProfiles([a, b]);
    for (const [field, id, root] of [
      ['profileId', profileId, a],
      ['otherProfileId', otherProfileId, b],
    ] as const) {
      if (!views.has(root))
        throw new MosaicError(ErrorCode.NOT_FOUND, `${field}: no profile ${id}`, field);
    }
    if (a === b) return views.get(a)!;
    const outcome = await this.graph.merge({
      a,
      b,
      reason: 'MANUAL',
      linkedBy: null,
      recordId: null,
      explanation: manualMergeExplanation(by, note),
    });
    return this.graph.materialise([outcome.root, a, b]);
  }

  async unmerge(profileId: string, recordIds: string[], by: string): Promise<UnmergeResult> {
    if (recordIds.length > 1000)
      throw badInput('recordIds', `at most 1000 records, got ${recordIds.length}`);
    const result = await this.unmerger.unmerge(profileId, [...new Set(recordIds)], by);
    await this.hooks.rememberDifferent(
      result.remaining._id,
      result.split._id,
      `unmerge ${result.unmerge._id} by ${by}`,
    );
    await this.hooks.announceSplit([
      ...result.unmerge.undone.map((p) => p._id),
      ...result.unmerge.added.map((p) => p._id),
    ]);
    return result;
  }
}

const MANUAL_PREFIX = 'Merged by ';

/**
 * The explanation of a manual merge: who merged, then the operator's note. The note is
 * free text (it may name the person), so it is only ever shown to admins: readers get the
 * explanation without it (see splitManualMergeExplanation) and `note` masked.
 */
export function manualMergeExplanation(by: string, note: string | null): string {
  return `${MANUAL_PREFIX}${by}${note ? `: ${note}` : ''}.`;
}

/**
 * A manual merge's explanation split into what the system wrote and the operator's note
 * (null when there is none, or when the explanation is not a manual merge's). The note
 * starts at the first `: ` after the credential's subject: should a subject hold `: `
 * itself, part of it moves into the note, never the other way round.
 */
export function splitManualMergeExplanation(explanation: string): {
  explanation: string;
  note: string | null;
} {
  if (!explanation.startsWith(MANUAL_PREFIX)) return { explanation, note: null };
  const at = explanation.indexOf(': ', MANUAL_PREFIX.length);
  if (at < 0) return { explanation, note: null };
  const rest = explanation.slice(at + 2);
  return {
    explanation: `${explanation.slice(0, at)}.`,
    note: rest.endsWith('.') ? rest.slice(0, -1) : rest,
  };
}
