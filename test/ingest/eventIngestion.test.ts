import { eventLogName } from '../../src/ingest/eventBatchWriter';
import type { EventInput } from '../../src/ingest/eventIngestionService';
import type { EventDoc } from '../../src/store/models';
import { silentLogger } from '../support/env';
import { openTestStack, type TestStack } from '../support/store';

/**
 * The batched write path: events of one batch reach their profiles' logs exactly once,
 * also when writers in several processes append to the same logs at once, and a writer
 * that dies half-way leaves a pending batch that recovery finishes without doubling.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await openTestStack('ingest');
});
afterAll(() => stack.close());

async function logOf(profileId: string): Promise<string[]> {
  const members = [profileId, ...((await stack.reader().byId(profileId))?.mergedFrom ?? [])];
  const ids: string[] = [];
  for (const m of members) {
    const { entries } = await stack.store.eventLog.readFrom(eventLogName(m), 0);
    ids.push(...entries.map((e) => e.data._id));
  }
  return ids.sort();
}

const track = (visitor: string, id: string): EventInput => ({
  type: 'track',
  event: 'Viewed',
  anonymousId: visitor,
  messageId: id,
});

test('writers on two connections appending to the same logs store every event exactly once', async () => {
  const other = await stack.connectAnother();
  const visitors = Array.from({ length: 5 }, (_, v) => `shared-log-${v}`);
  // Make the profiles exist first, so both writers append to known logs.
  await stack.events.ingest(visitors.map((v) => track(v, `${v}-first`)));
  const batch = (writer: string, round: number) =>
    visitors.flatMap((v) => [0, 1, 2].map((k) => track(v, `${v}-${writer}-${round}-${k}`)));
  await Promise.all(
    Array.from({ length: 6 }, (_, round) =>
      (round % 2 === 0 ? stack : other).events.ingest(batch(round % 2 === 0 ? 'a' : 'b', round)),
    ),
  );
  for (const v of visitors) {
    const profile = await stack.reader().byIdentifier('ANONYMOUS_ID', v);
    const ids = await logOf(profile!._id);
    expect(ids).toHaveLength(1 + 6 * 3);
    expect(new Set(ids).size).toBe(ids.length);
  }
});

test('a log whose hint is far behind still reports its true length and tail', async () => {
  const log = 'events:far-behind';
  for (let i = 0; i < 300; i++)
    await stack.store.eventLog.append(log, { _id: `fb-${i}` } as EventDoc, i);
  await stack.cols.logTails.deleteOne({ _id: log }); // as if every hint write was lost
  // Readers in other processes, which have not seen the log grow.
  const [a, b, c] = [
    await stack.connectAnother(),
    await stack.connectAnother(),
    await stack.connectAnother(),
  ];
  expect(await a.store.eventLog.length(log)).toBe(300);
  const tail = await b.store.eventLog.readTail(log, 20);
  expect(tail.length).toBe(300);
  expect(tail.entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 280 + i));
  expect((await c.store.eventLog.readFrom(log, 290)).entries).toHaveLength(10);
});

test('recovery finishes a batch whose writer died after claiming, and appends nothing twice', async () => {
  // A visitor with one stored event, and an event stored earlier by someone else.
  const first = await stack.events.ingest([
    track('crash-visitor', 'crash-0'),
    track('crash-visitor', 'earlier'),
  ]);
  const profileId = first.outcomes[0]!.profileId;
  const event = (id: string): EventDoc => ({
    _id: id,
    profileId,
    type: 'track',
    event: 'Viewed',
    name: null,
    userId: null,
    anonymousId: 'crash-visitor',
    properties: {},
    traits: {},
    context: {},
    timestamp: new Date(),
    receivedAt: new Date(),
  });
  // The dying writer: pending batch and its claims written, log append never happened.
  const batchId = 'dead-writer-batch';
  const createdAt = new Date(Date.now() - 10 * 60_000);
  await stack.store.insertPendingEventBatch({
    _id: batchId,
    events: ['crash-1', 'crash-2', 'earlier'].map((id) => ({ event: event(id), logFrom: 0 })),
    createdAt,
  });
  await stack.store.insertEventClaims(
    ['crash-1', 'crash-2'].map((id) => ({ _id: id, profileId, receivedAt: createdAt, batchId })),
  );
  expect(await logOf(profileId)).toEqual(['crash-0', 'earlier']);

  // A client retry meanwhile sees duplicates and writes nothing.
  const retry = await stack.events.ingest([track('crash-visitor', 'crash-1')]);
  expect(retry.duplicates).toBe(1);

  expect(await stack.events.recoverAbandoned(silentLogger)).toBe(1);
  expect(await logOf(profileId)).toEqual(['crash-0', 'crash-1', 'crash-2', 'earlier']);
  expect(await stack.cols.pendingEventBatches.countDocuments({})).toBe(0);
  // Running it again finds nothing to do.
  expect(await stack.events.recoverAbandoned(silentLogger)).toBe(0);
});

test('a batch written in the last two minutes is left to its writer', async () => {
  await stack.store.insertPendingEventBatch({
    _id: 'live-writer',
    events: [],
    createdAt: new Date(),
  });
  expect(await stack.events.recoverAbandoned(silentLogger)).toBe(0);
  expect(await stack.events.recoverAbandoned(silentLogger, new Date(Date.now() + 3 * 60_000))).toBe(
    1,
  );
});

test('events repeated within one request count once, and a re-sent identify writes nothing', async () => {
  const identify: EventInput = {
    type: 'identify',
    userId: 'repeat-user',
    traits: { email: 'repeat@example.com', plan: 'pro' },
    messageId: 'repeat-1',
  };
  const result = await stack.events.ingest([identify, identify, track('repeat-anon', 'repeat-2')]);
  expect(result).toMatchObject({ accepted: 2, duplicates: 1 });
  const counts = await Promise.all([
    stack.cols.profileLog.countDocuments({}),
    stack.cols.rawRecords.countDocuments({}),
  ]);
  // The same messageId with a different payload (a client re-sending with a new timestamp).
  const again = await stack.events.ingest([
    { ...identify, timestamp: new Date(), traits: { plan: 'free' } },
  ]);
  expect(again).toMatchObject({ accepted: 0, duplicates: 1 });
  expect(
    await Promise.all([
      stack.cols.profileLog.countDocuments({}),
      stack.cols.rawRecords.countDocuments({}),
    ]),
  ).toEqual(counts);
  const profile = await stack.reader().byIdentifier('USER_ID', 'repeat-user');
  expect(profile?.traits.plan).toBe('pro');
});
