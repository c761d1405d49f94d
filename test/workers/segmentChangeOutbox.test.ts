import type { PubSub } from '../../src/pubsub/pubSub';
import type { SegmentMembership } from '../../src/segments/segmentMembership';
import { segmentChannel, type SegmentChangeMessage } from '../../src/segments/segmentModels';
import { detectCapabilities } from '../../src/store/mongo/capabilities';
import { collections } from '../../src/store/mongo/collections';
import { MongoRfmStore } from '../../src/store/mongo/mongoRfmStore';
import { MongoSegmentMembership } from '../../src/store/mongo/mongoSegmentMembership';
import { EnrichmentProcessor } from '../../src/workers/enrichmentProcessor';
import { SegmentChangeRelay } from '../../src/workers/segmentChangeRelay';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger } from '../support/env';
import { postGraphQL } from '../support/gatewayProcess';
import { until } from '../support/wait';

/**
 * Segment changes are announced from an outbox: recorded with the change, dropped once
 * published. A worker that dies between writing a profile's new memberships and
 * publishing them (here: its Redis connection fails at that moment) leaves the outbox
 * entry, and the relay, in any worker, publishes it once the subject shows the change:
 * the subscriber hears of it, with the change's id, instead of never.
 */

let t: TestApp;
let membership: MongoSegmentMembership;

beforeAll(async () => {
  // MOSAIC_PIPELINE=gateway (the test default) applies events here; no worker runs, so
  // the enrichment below is this test's own.
  t = await startTestApp('outbox');
  const capabilities = await detectCapabilities(t.app.db);
  membership = new MongoSegmentMembership(collections(t.app.db), capabilities);
}, 60_000);
afterAll(() => t.close());

const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
  const { body } = await postGraphQL<T>(t.url, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data!;
};

/** An identify with a plan, applied before the answer; returns the profile's id. */
async function identify(userId: string, plan: string, messageId: string): Promise<string> {
  const { trackEvents } = await gql<{ trackEvents: { outcomes: { profileId: string }[] } }>(
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) {
       outcomes { profileId } } }`,
    { e: [{ type: 'IDENTIFY', userId, traits: { plan }, messageId }] },
  );
  return trackEvents.outcomes[0]!.profileId;
}

function processor(pubsub: PubSub, jobMembership: SegmentMembership = membership) {
  const { services } = t.app;
  return new EnrichmentProcessor({
    store: services.store,
    orderStore: services.orderStore,
    policy: services.policy,
    membership: jobMembership,
    rfm: new MongoRfmStore(collections(t.app.db)),
    segments: services.segments,
    pubsub,
    queues: { enrich: () => Promise.resolve(), deliver: () => Promise.resolve() } as never,
  });
}

test('a change whose announcement died with its worker is announced by the relay, with its id', async () => {
  const { defineSegment } = await gql<{ defineSegment: { id: string } }>(
    `mutation($rule: JSON!) { defineSegment(name: "Outbox pros", rule: $rule) { id } }`,
    { rule: { trait: 'plan', op: 'eq', value: 'pro' } },
  );
  const profileId = await identify('outbox-1', 'pro', 'ob-1');

  const heard: SegmentChangeMessage[] = [];
  const messages = t.app.services.pubsub.subscribe<SegmentChangeMessage>(
    segmentChannel(defineSegment.id),
  );
  void (async () => {
    for await (const m of messages) heard.push(m);
  })();

  // The job writes the change and the subject, then cannot publish: it dies there.
  const lostRedis: PubSub = {
    ...t.app.services.pubsub,
    publish: () => Promise.reject(new Error('Redis connection lost')),
  };
  await expect(processor(lostRedis).process(profileId)).rejects.toThrow('Redis connection lost');
  const subject = await membership.getSubject(profileId);
  expect(subject?.segments).toContain(defineSegment.id);
  const left = await membership.pendingAnnouncements(new Date(Date.now() + 60_000), 10);
  expect(left.map((p) => p.profileId)).toEqual([profileId]);

  // Before its grace is over the relay leaves it (the job may still publish it)…
  const relay = new SegmentChangeRelay(
    { membership, pubsub: t.app.services.pubsub, logger: silentLogger },
    { everyMs: 60_000, graceMs: 5_000, abandonAfterMs: 3_600_000 },
  );
  expect(await relay.relayOnce(new Date())).toBe(0);
  // …after it, the relay announces it, and the outbox is empty.
  expect(await relay.relayOnce(new Date(Date.now() + 10_000))).toBe(1);
  await until('the subscriber to hear the relayed change', () => Promise.resolve(heard.length > 0));
  expect(heard[0]).toMatchObject({
    id: left[0]!._id,
    segmentId: defineSegment.id,
    profileId,
    change: 'entered',
  });
  expect(await membership.pendingAnnouncements(new Date(Date.now() + 60_000), 10)).toEqual([]);

  // A job that publishes drops its own entry: nothing is left for the relay to repeat.
  await identify('outbox-1', 'free', 'ob-2');
  await processor(t.app.services.pubsub).process(profileId);
  await until('the subscriber to hear the profile leave', () => Promise.resolve(heard.length > 1));
  expect(heard[1]).toMatchObject({ profileId, change: 'left' });
  expect(heard[1]!.id).not.toBe(heard[0]!.id);
  expect(await membership.pendingAnnouncements(new Date(Date.now() + 60_000), 10)).toEqual([]);
  expect(await relay.relayOnce(new Date(Date.now() + 10_000))).toBe(0);
});

test('a change whose job died before its subject was written waits for the retry, not announced early', async () => {
  const profileId = await identify('outbox-2', 'pro', 'ob-3');
  // Dies between recording the change and writing the subject.
  const dying = new MongoSegmentMembership(
    collections(t.app.db),
    await detectCapabilities(t.app.db),
  );
  dying.putSubject = () => Promise.reject(new Error('killed'));
  await expect(processor(t.app.services.pubsub, dying).process(profileId)).rejects.toThrow(
    'killed',
  );
  const relay = new SegmentChangeRelay(
    { membership, pubsub: t.app.services.pubsub, logger: silentLogger },
    { everyMs: 60_000, graceMs: 0, abandonAfterMs: 3_600_000 },
  );
  expect(await relay.relayOnce(new Date(Date.now() + 10_000))).toBe(0);
  expect(await membership.pendingAnnouncements(new Date(Date.now() + 60_000), 10)).toHaveLength(1);
  // The retry computes the same change (same id), writes the subject and announces it.
  await processor(t.app.services.pubsub).process(profileId);
  expect(await membership.pendingAnnouncements(new Date(Date.now() + 60_000), 10)).toEqual([]);
});
