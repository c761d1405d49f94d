import { IdentityGraph, profileLogName, type MergeRequest } from '../../src/identity/identityGraph';
import { emptyView } from '../../src/identity/profileView';
import type { IdentityGraphStore } from '../../src/store/identityGraphStore';
import type { ProfileDoc } from '../../src/store/models';
import { openTestStack, type TestStack } from '../support/store';

/**
 * A rebuild right after a merge starts from what its caller already knows (the pointer it
 * inserted, the views it read) instead of reading them again. These are the races where
 * that knowledge is stale by the time the rebuild writes: the rebuild must end with the
 * store's truth, and must never write a live view over a profile merged away meanwhile.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await openTestStack('known_state');
});
afterAll(() => stack.close());

const contact = async (crmId: string) =>
  (await stack.crm.upsert({ crmId, emails: [`${crmId}@example.com`] })).profileId;

const mergeRequest = (a: string, b: string): MergeRequest => ({
  a,
  b,
  reason: 'MANUAL',
  linkedBy: null,
  recordId: null,
  explanation: 'test',
});

/** What a writer appends after reading a view: a contribution of one new email. */
const contribute = (profileId: string, crmId: string) =>
  stack.graph.appendToLog(profileId, {
    kind: 'contribution',
    source: 'crm',
    recordId: `crm:${crmId}`,
    keys: [`email:${crmId}@example.com`],
    recordHash: null,
  });

/** The graph over a store that records every live view of `watched` it writes, and every read of it. */
function watchingGraph(watched: string): {
  graph: IdentityGraph;
  liveWrites: ProfileDoc[];
  viewReads: () => number;
} {
  const liveWrites: ProfileDoc[] = [];
  let viewReads = 0;
  const store = stack.store;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'replaceProfile')
        return async (doc: ProfileDoc) => {
          if (doc._id === watched && doc.mergedInto === null) liveWrites.push(doc);
          return target.replaceProfile(doc);
        };
      if (prop === 'getProfiles')
        return (ids: string[]) => {
          if (ids.includes(watched)) viewReads++;
          return target.getProfiles(ids);
        };
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  }) as IdentityGraphStore;
  return { graph: new IdentityGraph(proxy), liveWrites, viewReads: () => viewReads };
}

test('a tombstone from a pointer an unmerge has since removed is rebuilt live', async () => {
  const survivor = await contact('kept-s');
  const merged = await contact('kept-m');
  const { pointer } = await stack.graph.merge(mergeRequest(survivor, merged));
  expect(pointer?._id).toBe(merged);
  // Before the merging writer rebuilds, the merge is undone as an unmerge does it: the
  // pointer removed, a split logged in both profiles, both rebuilt.
  await stack.store.deleteMergePointer(merged);
  await Promise.all(
    [survivor, merged].map((p) =>
      stack.graph.appendToLog(p, { kind: 'split', unmergeId: 'test-unmerge' }),
    ),
  );
  await stack.graph.materialise([survivor, merged]);
  // The merging writer's rebuild arrives late, sure of the pointer it inserted.
  await stack.graph.materialise([survivor, merged], { pointers: [pointer!] });
  const view = (await stack.store.getProfiles([merged])).get(merged)!;
  expect(view.mergedInto).toBeNull();
  expect(view.identifiers).toContainEqual({ kind: 'EMAIL', value: 'kept-m@example.com' });
  const survivorView = (await stack.store.getProfiles([survivor])).get(survivor)!;
  expect(survivorView.mergedFrom).not.toContain(merged);
});

test('a view read before a concurrent merge is never written back over the tombstone', async () => {
  const older = await contact('race-old');
  const younger = await contact('race-young');
  // A writer reads the younger profile's view, then adds to its log...
  const stale = (await stack.store.getProfiles([younger])).get(younger)!;
  // ...while another merges it into the older one and rebuilds both.
  await stack.graph.merge(mergeRequest(older, younger));
  await stack.graph.materialise([older, younger]);
  await contribute(younger, 'race-late');
  // The first writer rebuilds from the view it read.
  const { graph, liveWrites } = watchingGraph(younger);
  const root = await graph.materialise([younger], { views: new Map([[younger, stale]]) });
  expect(liveWrites).toEqual([]);
  expect(root._id).toBe(older);
  expect(root.identifiers).toContainEqual({ kind: 'EMAIL', value: 'race-late@example.com' });
  expect((await stack.store.getProfiles([younger])).get(younger)?.mergedInto).toBe(older);
});

test('a view read just before the caller appended is continued and written in one step', async () => {
  const id = await contact('fresh-known');
  const before = (await stack.store.getProfiles([id])).get(id)!;
  await contribute(id, 'fresh-known-2');
  const { graph, liveWrites, viewReads } = watchingGraph(id);
  const view = await graph.materialise([id], { views: new Map([[id, before]]) });
  expect(liveWrites).toHaveLength(1);
  expect(viewReads()).toBe(0); // continued from the view handed in, not read again
  expect(view.identifiers).toContainEqual({ kind: 'EMAIL', value: 'fresh-known-2@example.com' });
  expect((await stack.store.getProfiles([id])).get(id)?.identifiers).toEqual(view.identifiers);
});

test('entries another process appended past the length this one knows are folded in', async () => {
  const id = await contact('elsewhere');
  const other = await stack.connectAnother(); // closed with the stack
  // Many more than one retry's worth: the first read stops at the length this process
  // knows, and the check after writing must send the retry to the real end.
  for (let i = 0; i < 60; i++)
    await other.graph.appendToLog(id, {
      kind: 'contribution',
      source: 'crm',
      recordId: `crm:elsewhere-${i}`,
      keys: [`email:elsewhere-${i}@example.com`],
      recordHash: null,
    });
  const view = await stack.graph.materialise([id]);
  for (let i = 0; i < 60; i++)
    expect(view.identifiers).toContainEqual({
      kind: 'EMAIL',
      value: `elsewhere-${i}@example.com`,
    });
  expect(view.build.logLengths[id]).toBe(61);
});

/** The graph over a store that counts the reads of `watched`'s log, and of record versions. */
function logReadCountingGraph(watched: string): {
  graph: IdentityGraph;
  logReads: () => number;
  recordReads: () => number;
} {
  let logReads = 0;
  let recordReads = 0;
  const log = stack.store.profileLog;
  const countingLog = new Proxy(log, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (String(prop).startsWith('read') && args[0] === profileLogName(watched)) logReads++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const store = new Proxy(stack.store, {
    get(target, prop, receiver) {
      if (prop === 'profileLog') return countingLog;
      if (prop === 'getRawRecords')
        return (ids: string[]) => {
          recordReads += ids.length;
          return target.getRawRecords(ids);
        };
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  }) as IdentityGraphStore;
  return {
    graph: new IdentityGraph(store),
    logReads: () => logReads,
    recordReads: () => recordReads,
  };
}

test("a merge's intent is folded into the survivor without being read back", async () => {
  const survivor = await contact('intent-s');
  const merged = await contact('intent-m');
  const views = await stack.store.getProfiles([survivor, merged]);
  const { graph, logReads } = logReadCountingGraph(survivor);
  const outcome = await graph.merge({ ...mergeRequest(survivor, merged), views });
  expect(outcome.intent).toMatchObject({
    profileId: survivor,
    seq: views.get(survivor)!.build.logLengths[survivor],
    entry: { kind: 'merge', childId: merged },
  });
  const view = await graph.materialise([survivor, merged], {
    views,
    pointers: [outcome.pointer!],
    appended: [outcome.intent!],
  });
  expect(logReads()).toBe(0);
  expect(view.mergedFrom).toEqual([merged]);
  expect(view.identifiers).toContainEqual({ kind: 'EMAIL', value: 'intent-m@example.com' });
  expect(view.build.logLengths[survivor]).toBe(outcome.intent!.seq + 1);
});

test('an entry another process appended right after the intent is folded in, not skipped', async () => {
  const survivor = await contact('intent-race-s');
  const merged = await contact('intent-race-m');
  const views = await stack.store.getProfiles([survivor, merged]);
  const outcome = await stack.graph.merge({ ...mergeRequest(survivor, merged), views });
  // Between the merge and its rebuild, another process adds to the survivor's log.
  const other = await stack.connectAnother();
  await other.graph.appendToLog(survivor, {
    kind: 'contribution',
    source: 'crm',
    recordId: 'crm:intent-race-late',
    keys: ['email:intent-race-late@example.com'],
    recordHash: null,
  });
  const view = await stack.graph.materialise([survivor, merged], {
    views,
    pointers: [outcome.pointer!],
    appended: [outcome.intent!],
  });
  expect(view.identifiers).toContainEqual({
    kind: 'EMAIL',
    value: 'intent-race-late@example.com',
  });
  expect(view.build.logLengths[survivor]).toBe(outcome.intent!.seq + 2);
  expect((await stack.store.getProfiles([survivor])).get(survivor)?.identifiers).toEqual(
    view.identifiers,
  );
});

test('a merge right after resolution folds what resolution wrote without reading it back', async () => {
  const older = await contact('handoff-old');
  const arrival = await stack.crm.upsert({
    crmId: 'handoff-new',
    emails: ['handoff-new@example.com'],
    firstName: 'Ada',
  });
  expect(arrival.known.records).toHaveLength(1);
  const { graph, logReads, recordReads } = logReadCountingGraph(arrival.profileId);
  const views = new Map([
    ...(await stack.store.getProfiles([older])),
    ...(arrival.known.views ?? new Map<string, ProfileDoc>()),
  ]);
  const outcome = await graph.merge({ ...mergeRequest(older, arrival.profileId), views });
  expect(outcome.root).toBe(older);
  const view = await graph.materialise([older, arrival.profileId], {
    views,
    pointers: [outcome.pointer!],
    appended: [outcome.intent!, ...(arrival.known.appended ?? [])],
    records: arrival.known.records ?? [],
  });
  expect(logReads()).toBe(0);
  expect(recordReads()).toBe(0);
  expect(view.identifiers).toContainEqual({ kind: 'EMAIL', value: 'handoff-new@example.com' });
  expect(JSON.stringify(view.traits)).toContain('Ada');
  // What was written is what a fold of the store's logs from nothing makes of the cluster.
  await stack.store.replaceProfile(emptyView(older, new Date()));
  const fromStore = await stack.connectAnother();
  const rebuilt = await fromStore.graph.materialise([older]);
  expect(rebuilt.mergedFrom).toEqual([arrival.profileId]);
  expect(rebuilt.identifiers).toEqual(view.identifiers);
  expect(rebuilt.traits).toEqual(view.traits);
});

test('an entry this process appended after the intent, but did not hand over, is read in the first fold', async () => {
  const survivor = await contact('intent-own-s');
  const merged = await contact('intent-own-m');
  const views = await stack.store.getProfiles([survivor, merged]);
  const outcome = await stack.graph.merge({ ...mergeRequest(survivor, merged), views });
  // This process knows the log now reaches past the intent: the handed-over entry is not
  // all there is, so the fold must read the rest instead of trusting the intent alone.
  await contribute(survivor, 'intent-own-late');
  const { graph, liveWrites } = watchingGraph(survivor);
  const view = await graph.materialise([survivor, merged], {
    views,
    pointers: [outcome.pointer!],
    appended: [outcome.intent!],
  });
  expect(view.identifiers).toContainEqual({ kind: 'EMAIL', value: 'intent-own-late@example.com' });
  // One write: the first fold was complete (a fold that stopped at the intent would have
  // been caught by the check after writing, and written again).
  expect(liveWrites).toHaveLength(1);
});
