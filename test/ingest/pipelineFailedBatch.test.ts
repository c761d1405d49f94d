import type { EventDoc, LogEntryDoc } from '../../src/store/models';
import { MongoAppendLog } from '../../src/store/mongo/mongoAppendLog';
import { startTestApp, type TestApp } from '../support/app';
import { withPg } from '../support/postgres';

/**
 * A pipeline batch that fails after claiming its events (the store went away mid-write)
 * is finished by a recoverer before any of its partitions moves on. The retry of its
 * events would otherwise find them claimed, count them as duplicates and mark them
 * applied while their log entries were still missing: "applied" (backlog 0, `wait: true`
 * answered) before the profile shows them. The CI run that found this saw one event
 * missing from the log right after the pipeline drained past a store outage.
 */

const WRITE_KEY = 'test-write-key';
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('pipelinefailed');
});
afterAll(() => t.close());

async function timesLogged(ids: string[]): Promise<number[]> {
  const entries = await t.app.db
    .collection<LogEntryDoc<EventDoc>>('event_log')
    .find({ 'data._id': { $in: ids } }, { projection: { 'data._id': 1 } })
    .toArray();
  return ids.map((id) => entries.filter((e) => e.data._id === id).length);
}

/** Resolves when the backlog is 0, checking often so a brief "drained" is not missed. */
async function drained(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await t.app.services.intake.backlog()).waiting !== 0) {
    if (Date.now() > deadline) throw new Error('the pipeline did not drain in 30 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test.each([
  ['its log entries were written but the answer was lost', true],
  ['nothing of its log entries was written', false],
])(
  'a batch that failed after claiming its events (%s) is finished before they count as applied',
  async (label, landedFirst) => {
    // The store's event log behind its fencing wrapper: the first append of the batch
    // fails as a store outage does (after writing, or before).
    const log = t.app.services.store.eventLog as MongoAppendLog<EventDoc>;
    // The class's own method, always called with the wrapped log as `this` (below).
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const append = MongoAppendLog.prototype.appendMany;
    let failures = 0;
    log.appendMany = async function (this: MongoAppendLog<EventDoc>, items) {
      if (failures++ > 0) return append.call(this, items);
      if (landedFirst) await append.call(this, items);
      throw Object.assign(new Error('connection closed (store went away)'), {
        name: 'MongoNetworkError',
      });
    };
    try {
      const prefix = `failed-${landedFirst ? 'landed' : 'lost'}`;
      const ids = Array.from({ length: 5 }, (_, i) => `${prefix}-${i}`);
      const res = await fetch(`${t.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({
          batch: ids.map((messageId, i) => ({
            type: 'track',
            userId: `${prefix}-user`,
            event: `E${i}`,
            messageId,
          })),
        }),
      });
      expect(res.status).toBe(200);
      await drained();
      expect(failures).toBeGreaterThan(0);
      // The moment the backlog is empty, every event is in its log, once.
      expect({ label, times: await timesLogged(ids) }).toEqual({ label, times: [1, 1, 1, 1, 1] });
      // And the failed batch is gone: recovered, not left to hold its partitions back.
      const open = await withPg((pg) =>
        pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t.pgSchema}".pipeline_batches`),
      );
      expect(open.rows[0]!.n).toBe(0);
    } finally {
      delete (log as Partial<MongoAppendLog<EventDoc>>).appendMany; // the class's own again
    }
  },
);
