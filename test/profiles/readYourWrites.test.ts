import fc from 'fast-check';
import { createApp, type App } from '../../src/app';
import { silentLogger, testConfig, uniqueDatabaseName } from '../support/env';
import { queryGraphQL } from '../support/gatewayProcess';
import { dropPgSchema, pgSchemaFor } from '../support/postgres';
import { dropRedisKeys } from '../support/redis';

/**
 * Read-your-writes across replicas, with the hot tier in front of the stored gold
 * documents and with the stored ones alone: two gateways share one database and one Redis; per person a writer runs a generated sequence of writes (a CRM trait
 * update, a `/v1/track?sync=1` call, a manual merge of the person's two contacts, an unmerge),
 * each through either gateway, while readers read every person through either gateway.
 * A read may reflect any state from the one the person's last acknowledged write left
 * (as of the read's start) to the one the last write begun before the read ended would
 * leave; never an older one, whatever either gateway had cached.
 */

const WRITE_KEY = 'test-write-key';
let gateways: { app: App; url: string }[] = [];

/** Where reads are served from; `reads` counts the reads a gold document answered. */
const MODES = [
  {
    name: 'hot tier in front of the stored gold documents',
    env: { MOSAIC_HOT_TIER: 'on' },
    reads: (app: App) => app.services.gold!.counts.hot.hit,
  },
  {
    name: 'stored gold documents alone',
    env: { MOSAIC_HOT_TIER: 'off' },
    reads: (app: App) => app.services.gold!.counts.stored.hit,
  },
];

type Op = { kind: 'trait' | 'track' | 'merge' | 'unmerge'; via: number };

/** What a person's profiles show after some prefix of their writes. */
interface PersonState {
  n: number;
  lastEvent: string | null;
  merged: boolean;
}

interface Person {
  tag: string;
  primaryId: string;
  secondaryId: string;
  /** states[k]: after the first k writes; acked/started: how many were acknowledged/begun. */
  states: PersonState[];
  acked: number;
  started: number;
}

const emailOf = (tag: string, which: 1 | 2) => `${tag}-${which}@ryw.example.com`;
const CONTACT = `mutation($input: CrmContactInput!) { upsertCrmContact(input: $input) { id } }`;
const READ = `query($e1: String!, $e2: String!) {
  primary: profileByIdentifier(kind: EMAIL, value: $e1) {
    id traits identifiers { value } recentEvents(first: 20) { id }
  }
  secondary: profileByIdentifier(kind: EMAIL, value: $e2) { id }
}`;

interface ReadAnswer {
  primary: {
    id: string;
    traits: Record<string, unknown>;
    identifiers: { value: string }[];
    recentEvents: { id: string }[];
  } | null;
  secondary: { id: string } | null;
}

const gql = <T>(via: number, query: string, variables: Record<string, unknown>) =>
  queryGraphQL<T>(gateways[via]!.url, query, variables);

async function segmentCall(via: number, path: string, body: Record<string, unknown>) {
  // `sync=1`: acknowledged once applied, which is what read-your-writes is promised for
  // (a plain call is acknowledged once accepted, and applied behind the answer).
  const res = await fetch(`${gateways[via]!.url}/v1/${path}?sync=1`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`/v1/${path}: HTTP ${res.status} ${await res.text()}`);
}

async function newPerson(tag: string): Promise<Person> {
  const contact = (which: 1 | 2) =>
    gql<{ upsertCrmContact: { id: string } }>(0, CONTACT, {
      input: { crmId: `${tag}-${which}`, emails: [emailOf(tag, which)], attributes: { n: 0 } },
    }).then((r) => r.upsertCrmContact.id);
  const primaryId = await contact(1);
  const secondaryId = await contact(2);
  await segmentCall(0, 'identify', {
    messageId: `${tag}-identify`,
    userId: `${tag}-user`,
    traits: { email: emailOf(tag, 1) },
  });
  return {
    tag,
    primaryId,
    secondaryId,
    states: [{ n: 0, lastEvent: `${tag}-identify`, merged: false }],
    acked: 0,
    started: 0,
  };
}

/** Runs one write (the state it leaves is `expectedAfter`'s). */
async function write(p: Person, op: Op, step: number): Promise<void> {
  switch (op.kind) {
    case 'trait':
      await gql(op.via, CONTACT, {
        input: { crmId: `${p.tag}-1`, emails: [emailOf(p.tag, 1)], attributes: { n: step } },
      });
      return;
    case 'track': {
      const messageId = `${p.tag}-event-${step}`;
      await segmentCall(op.via, 'track', { messageId, userId: `${p.tag}-user`, event: 'Tick' });
      return;
    }
    case 'merge':
      await gql(
        op.via,
        `mutation($a: ID!, $b: ID!) { mergeProfiles(profileId: $a, otherProfileId: $b, note: "same person") { id } }`,
        { a: p.primaryId, b: p.secondaryId },
      );
      return;
    case 'unmerge':
      await gql(
        op.via,
        `mutation($p: ID!, $r: [String!]!) { unmergeProfile(profileId: $p, recordIds: $r) { unmergeId } }`,
        { p: p.primaryId, r: [`crm:${p.tag}-2`] },
      );
      return;
  }
}

/** A merge only when apart, an unmerge only when merged (otherwise a trait update). */
function feasible(op: Op, state: PersonState): Op {
  if (op.kind === 'merge' && state.merged) return { ...op, kind: 'trait' };
  if (op.kind === 'unmerge' && !state.merged) return { ...op, kind: 'trait' };
  return op;
}

async function runWriter(p: Person, ops: Op[]): Promise<void> {
  for (const [i, generated] of ops.entries()) {
    const before = p.states[p.states.length - 1]!;
    const op = feasible(generated, before);
    p.started++;
    // The state this write leaves is allowed from the moment it begins.
    const after = { ...before, ...expectedAfter(op, i + 1, p) };
    p.states.push(after);
    await write(p, op, i + 1);
    p.acked++;
  }
}

function expectedAfter(op: Op, step: number, p: Person): Partial<PersonState> {
  if (op.kind === 'trait') return { n: step };
  if (op.kind === 'track') return { lastEvent: `${p.tag}-event-${step}` };
  return { merged: op.kind === 'merge' };
}

/** One read of the person through gateway `via`, checked against the states it may show. */
async function readAndCheck(p: Person, via: number): Promise<void> {
  const from = p.acked;
  const answer = await gql<ReadAnswer>(via, READ, {
    e1: emailOf(p.tag, 1),
    e2: emailOf(p.tag, 2),
  });
  const allowed = p.states.slice(from, p.started + 1);
  const where = `${p.tag} via gateway ${via} (acked ${from}, states ${JSON.stringify(allowed)})`;
  const primary = answer.primary;
  if (primary === null || answer.secondary === null) throw new Error(`${where}: profile missing`);
  const n = primary.traits.n as number;
  if (!allowed.some((s) => s.n === n)) throw new Error(`${where}: n = ${n}`);
  const events = primary.recentEvents.map((e) => e.id);
  if (!allowed.some((s) => s.lastEvent !== null && events.includes(s.lastEvent)))
    throw new Error(`${where}: recent events ${events.join(',')}`);
  const showsMerged = primary.identifiers.some((i) => i.value === emailOf(p.tag, 2));
  if (!allowed.some((s) => s.merged === showsMerged))
    throw new Error(`${where}: primary shows merged = ${showsMerged}`);
  const secondaryMerged = answer.secondary.id === p.primaryId;
  if (!allowed.some((s) => s.merged === secondaryMerged))
    throw new Error(`${where}: secondary read as ${answer.secondary.id}`);
}

const opArb = fc.record({
  kind: fc.constantFrom<Op['kind']>('trait', 'track', 'merge', 'unmerge'),
  via: fc.integer({ min: 0, max: 1 }),
});

let run = 0;

describe.each(MODES)('$name', ({ env, reads }) => {
  const database = uniqueDatabaseName('ryw');
  const pgSchema = pgSchemaFor(database);

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const config = testConfig({ POSTGRES_SCHEMA: pgSchema, ...env });
      const app = await createApp(config, silentLogger, { database });
      const port = await app.gateway.listen(0, '127.0.0.1');
      gateways.push({ app, url: `http://127.0.0.1:${port}` });
    }
  }, 60_000);

  afterAll(async () => {
    await gateways[0]?.app.db.dropDatabase().catch(() => undefined);
    await Promise.all(gateways.map((g) => g.app.close()));
    gateways = [];
    await dropPgSchema(pgSchema).catch(() => undefined);
    await dropRedisKeys(database).catch(() => undefined);
  });

  test('no read from either gateway is older than a write acknowledged before it began', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 3 }),
        async (scripts) => {
          const tag = `r${run++}`;
          const people = await Promise.all(scripts.map((_, i) => newPerson(`${tag}p${i}`)));
          // Each reader reads once before any write, so the tier holds every person's profile.
          await Promise.all(people.flatMap((p) => [0, 1].map((via) => readAndCheck(p, via))));
          let writing = true;
          const writers = Promise.all(people.map((p, i) => runWriter(p, scripts[i]!))).finally(
            () => (writing = false),
          );
          const readers = [0, 1, 2, 3].map(async (r) => {
            let k = r;
            while (writing) {
              await readAndCheck(people[k % people.length]!, k % 2);
              k++;
            }
          });
          await Promise.all([writers, ...readers]);
          // And once everything is acknowledged, every read shows the final state.
          await Promise.all(people.flatMap((p) => [0, 1].map((via) => readAndCheck(p, via))));
        },
      ),
      { numRuns: 20, endOnFailure: true },
    );
    const served = gateways.reduce((n, g) => n + reads(g.app), 0);
    expect(served).toBeGreaterThan(0); // the reads went through gold documents, not around them
  }, 300_000);
});
