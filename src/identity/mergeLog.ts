import type { MergePointerDoc, UnmergeDoc } from '../store/models';

/**
 * One line of a profile's merge log. Current merges are the merge pointers themselves;
 * merges an unmerge undid live on in that unmerge's document, so the log keeps both.
 */
export type MergeLogItem =
  | { action: 'MERGE'; pointer: MergePointerDoc; undoneBy: string | null }
  | { action: 'UNMERGE'; unmerge: UnmergeDoc };

/** The merges that formed a profile and the unmerges that touched it, oldest first. */
export function mergeLogOf(pointers: MergePointerDoc[], unmerges: UnmergeDoc[]): MergeLogItem[] {
  const items: MergeLogItem[] = pointers.map((pointer) => ({
    action: 'MERGE',
    pointer,
    undoneBy: null,
  }));
  for (const unmerge of unmerges) {
    for (const pointer of unmerge.undone)
      items.push({ action: 'MERGE', pointer, undoneBy: unmerge._id });
    items.push({ action: 'UNMERGE', unmerge });
  }
  const at = (i: MergeLogItem) => (i.action === 'MERGE' ? i.pointer.at : i.unmerge.at);
  const id = (i: MergeLogItem) => (i.action === 'MERGE' ? i.pointer._id : i.unmerge._id);
  return items.sort((x, y) => at(x).getTime() - at(y).getTime() || (id(x) < id(y) ? -1 : 1));
}
