import { newId } from '../ids';
import { badInput, ErrorCode, MosaicError } from '../errors';
import type { IdentityGraphStore } from '../store/identityGraphStore';
import type { MergePointerDoc, ProfileDoc, UnmergeDoc } from '../store/models';
import type { IdentityGraph } from './identityGraph';

export interface UnmergeResult {
  unmerge: UnmergeDoc;
  /** The profile the records were split out of, rebuilt without them. */
  remaining: ProfileDoc;
  /** The profile they form now. */
  split: ProfileDoc;
}

/**
 * Undoes merges. Since nothing is ever moved (records, identifiers and events stay with
 * the profile they first joined, and orders follow their customer id), splitting records
 * back out means detaching the profiles they first joined from the cluster, each with
 * the profiles merged into it before (its subtree of merge pointers). Everything those
 * profiles hold leaves with them, and nothing else does.
 *
 * Ordered so that each intermediate state is a valid forest: the unmerge document first,
 * then merge intents for the pointers it adds, then the pointer changes, then a `split`
 * entry in both clusters' logs, which makes every view built before the split refold
 * from nothing. An unmerge that died half-way is finished by running it again: each run
 * begins with a `split` entry in the root's log, so it sees the cluster as the pointers
 * say it is now, not as a view folded before the crash remembers it.
 */
export class Unmerger {
  constructor(
    private readonly store: IdentityGraphStore,
    private readonly graph: IdentityGraph,
  ) {}

  async unmerge(profileId: string, recordIds: string[], by: string): Promise<UnmergeResult> {
    if (recordIds.length === 0)
      throw badInput('recordIds', 'name at least one record to split out');
    const root = await this.graph.rootOf(profileId);
    if (!(await this.store.getProfiles([root])).has(root))
      throw new MosaicError(ErrorCode.NOT_FOUND, `profileId: no profile ${profileId}`, 'profileId');
    const id = newId();
    const { members, homes } = await this.membersAndHomes(root, recordIds, id);

    const pointers = await this.store.getMergePointers([...members].filter((m) => m !== root));
    const moving = movingProfiles(homes, pointers);
    if (moving.has(root)) {
      const i = recordIds.findIndex((r) => homes.get(r) === root);
      throw badInput(
        `recordIds[${Math.max(i, 0)}]`,
        `record ${recordIds[Math.max(i, 0)]} first joined profile ${root}, the profile everything ` +
          `else was merged into, so nothing would remain; split out the other person's records instead`,
      );
    }
    const unmerge = unmergeDoc(id, root, recordIds, moving, pointers, by);
    await this.detach(unmerge);
    const remaining = await this.graph.materialise([root, ...moving]);
    const split = await this.graph.materialise([unmerge.toProfileId]);
    return { unmerge, remaining, split };
  }

  /**
   * The cluster's members as its pointers say now, and the profile each record first
   * joined, each checked to be one of them.
   */
  private async membersAndHomes(
    root: string,
    recordIds: string[],
    unmergeId: string,
  ): Promise<{ members: Set<string>; homes: Map<string, string> }> {
    // A `split` entry first, so the view below is folded from nothing: membership as the
    // pointers say now, even if an earlier unmerge died half-way through changing them.
    await this.graph.appendToLog(root, { kind: 'split', unmergeId });
    const view = await this.graph.materialise([root]);
    const members = new Set([root, ...view.mergedFrom]);
    const homes = await this.homesOf(recordIds);
    // Views of the records' profiles are brought up to date too (a tombstone whose
    // pointer an interrupted unmerge removed becomes live again), then checked.
    await this.graph.materialise([...new Set(homes.values())]);
    recordIds.forEach((recordId, i) => {
      if (!members.has(homes.get(recordId)!))
        throw badInput(
          `recordIds[${i}]`,
          `record ${recordId} is not part of profile ${root} (it belongs to profile ${homes.get(recordId)})`,
        );
    });
    return { members, homes };
  }

  /**
   * The writes, in the order that keeps every intermediate state a valid forest: the
   * unmerge document, merge intents for the pointers it adds, the pointer changes (the
   * new root's pointer removed, the other tops repointed at it), then a `split` entry in
   * both clusters' logs.
   */
  private async detach(unmerge: UnmergeDoc): Promise<void> {
    const { _id: id, fromProfileId: root, toProfileId: newRoot, added } = unmerge;
    await this.store.insertUnmerge(unmerge);
    for (const pointer of added)
      await this.graph.appendToLog(newRoot, { kind: 'merge', childId: pointer._id });
    await this.store.deleteMergePointer(newRoot);
    for (const pointer of added) await this.store.replaceMergePointer(pointer);
    await Promise.all([
      this.graph.appendToLog(root, { kind: 'split', unmergeId: id }),
      this.graph.appendToLog(newRoot, { kind: 'split', unmergeId: id }),
    ]);
  }

  /** The profile each record first joined. */
  private async homesOf(recordIds: string[]): Promise<Map<string, string>> {
    const records = await this.store.getRecords(recordIds);
    const messageIds = recordIds
      .filter((r) => !records.has(r) && r.startsWith('event:'))
      .map((r) => r.slice('event:'.length));
    const claims = await this.store.getEventClaims(messageIds);
    const homes = new Map<string, string>();
    recordIds.forEach((recordId, i) => {
      const home =
        records.get(recordId)?.profileId ?? claims.get(recordId.slice('event:'.length))?.profileId;
      if (home === undefined)
        throw new MosaicError(
          ErrorCode.NOT_FOUND,
          `recordIds[${i}]: no record ${recordId}; name CRM contacts as crm:<crmId>, events and identify calls as event:<messageId>`,
          `recordIds[${i}]`,
        );
      homes.set(recordId, home);
    });
    return homes;
  }
}

/** The profiles the records first joined, with everything merged into them. */
function movingProfiles(
  homes: Map<string, string>,
  pointers: Map<string, MergePointerDoc>,
): Set<string> {
  const children = new Map<string, string[]>();
  for (const p of pointers.values()) children.set(p.into, [...(children.get(p.into) ?? []), p._id]);
  const moving = new Set<string>();
  const stack = [...new Set(homes.values())];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (moving.has(id)) continue;
    moving.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return moving;
}

/**
 * What the unmerge does: the moving subtrees' tops (whose pointers lead out of the moving
 * set) are detached; the oldest becomes the new root and the others are pointed at it.
 */
function unmergeDoc(
  id: string,
  root: string,
  recordIds: string[],
  moving: Set<string>,
  pointers: Map<string, MergePointerDoc>,
  by: string,
): UnmergeDoc {
  // Top of each moving subtree: its pointer leads out of the moving set.
  const tops = [...moving]
    .filter((m) => {
      const pointer = pointers.get(m);
      return pointer !== undefined && !moving.has(pointer.into);
    })
    .sort();
  const newRoot = tops[0]!;
  const at = new Date();
  const explanation =
    `Unmerged by ${by}: records ${recordIds.join(', ')} split out of profile ${root} ` +
    `into profile ${newRoot}, with ${moving.size} profile(s) they first joined or that were merged into those.`;
  const added: MergePointerDoc[] = tops.slice(1).map((top) => ({
    _id: top,
    into: newRoot,
    reason: 'MANUAL',
    linkedBy: null,
    recordId: null,
    explanation: `Kept together with profile ${newRoot} by unmerge ${id}: both held records split out together.`,
    at,
  }));
  return {
    _id: id,
    fromProfileId: root,
    toProfileId: newRoot,
    recordIds,
    movedProfileIds: [...moving].sort(),
    undone: tops.map((t) => pointers.get(t)!),
    added,
    explanation,
    at,
  };
}
