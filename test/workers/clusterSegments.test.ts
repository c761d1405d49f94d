import type { Client } from 'graphql-ws';
import { adjustedRandIndex } from '../../src/clustering/clusterQuality';
import { seededRandom } from '../../src/seededRandom';
import { collections } from '../../src/store/mongo/collections';
import { createWorkerApp, type WorkerApp } from '../../src/workers/worker';
import { startTestApp, type TestApp } from '../support/app';
import { silentLogger, testConfig } from '../support/env';
import { queryGraphQL, startGatewayProcess, type GatewayProcess } from '../support/gatewayProcess';
import { firstMessage, wsClient } from '../support/subscriptions';
import { until } from '../support/wait';

/**
 * Cluster segments end to end, through the real system: profiles and orders arrive by
 * GraphQL, the worker enriches them, a clustering defined on gateway A is fitted by the
 * worker's job, its clusters become segments, and a subscriber on gateway B (another
 * process) hears a profile enter a cluster when new orders move it there.
 *
 * Planted groups, 80 profiles each, with seeded noise:
 * - loyal: 8-12 orders of 150-300, the last 1-10 days ago, the first 150-250 days ago;
 * - lapsed: one order of 10-30, 300-400 days ago;
 * - prospects: no order at all (recency, order value and tenure missing, and flagged).
 * They sit many robust standard deviations apart on frequency and spend, and the prospects
 * on the missing flags too, so a correct fit recovers them almost exactly: the test asks
 * for an adjusted Rand index of 0.95 (a handful of misplaced profiles would fail it) and
 * for k = 3 from the silhouette over 2..6.
 */

const DAY = 86_400_000;
const PER_GROUP = 80;
const GROUPS = ['loyal', 'lapsed', 'prospect'] as const;
type Group = (typeof GROUPS)[number];

let t: TestApp;
let other: GatewayProcess;
let worker: WorkerApp;
let client: Client;

beforeAll(async () => {
  t = await startTestApp('cluster-segments');
  const uri = new URL(testConfig().mongo.uri);
  uri.pathname = `/${t.database}`;
  other = await startGatewayProcess({ MONGODB_URI: uri.toString(), POSTGRES_SCHEMA: t.pgSchema });
  worker = await createWorkerApp(testConfig({ POSTGRES_SCHEMA: t.pgSchema }), silentLogger, {
    database: t.database,
  });
  client = wsClient(other.url);
}, 90_000);

afterAll(async () => {
  await client.dispose();
  await worker.close();
  await other.stop();
  await t.close();
});

const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
  queryGraphQL<T>(t.url, query, variables);

const planted = new Map<string, Group>();
const customerOf = (i: number) => `cs-c${i}`;

function ordersFor(group: Group, i: number, random: ReturnType<typeof seededRandom>) {
  const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();
  const order = (n: number, days: number, total: number) => ({
    orderId: `cs-o${i}-${n}`,
    customerId: customerOf(i),
    email: `cs-${i}@example.com`,
    placedAt: daysAgo(days),
    currency: 'USD',
    total: Math.round(total * 100) / 100,
  });
  if (group === 'lapsed') return [order(0, random.int(300, 400), 10 + random.next() * 20)];
  if (group === 'prospect') return [];
  const count = random.int(8, 12);
  const first = random.int(150, 250);
  const last = random.int(1, 10);
  return Array.from({ length: count }, (_, n) =>
    order(
      n,
      n === 0 ? first : n === count - 1 ? last : random.int(last, first),
      150 + random.next() * 150,
    ),
  );
}

async function plantPopulation(): Promise<void> {
  const random = seededRandom(23);
  const contacts = [];
  const orders = [];
  for (const [g, group] of GROUPS.entries())
    for (let j = 0; j < PER_GROUP; j++) {
      const i = g * PER_GROUP + j;
      // Only the loyal and the lapsed granted analytics: a clustering for that purpose
      // sees them alone.
      contacts.push({
        crmId: `cs-${i}`,
        emails: [`cs-${i}@example.com`],
        consent: [{ purpose: 'analytics', granted: group !== 'prospect' }],
      });
      orders.push(...ordersFor(group, i, random));
    }
  await gql(`mutation($c: [CrmContactInput!]!) { upsertCrmContacts(inputs: $c) { changed } }`, {
    c: contacts,
  });
  for (let at = 0; at < orders.length; at += 1_000)
    await gql(`mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`, {
      o: orders.slice(at, at + 1_000),
    });
  const subjects = collections(t.app.db).segmentSubjects;
  // Every profile enriched, the loyal ones with all their orders.
  await until(
    'every planted profile to be enriched',
    async () => {
      const docs = await subjects.find({}).toArray();
      const loyal = docs.filter((d) => Number(d.computed.orderCount ?? 0) >= 8).length;
      return docs.length === 3 * PER_GROUP && loyal === PER_GROUP ? docs : null;
    },
    60_000,
  );
  // And no enrichment left to run: a refit's count of profiles it wrote is then exact.
  await until('the enrichment queue to drain', async () => {
    const counts = await worker.queues.enrichment.getJobCounts(
      'waiting',
      'active',
      'prioritized',
      'delayed',
    );
    return Object.values(counts).every((n) => n === 0);
  });
  const docs = await subjects.find({}).toArray();
  for (const doc of docs) {
    const count = Number(doc.computed.orderCount ?? 0);
    planted.set(doc._id, count >= 8 ? 'loyal' : count === 1 ? 'lapsed' : 'prospect');
  }
}

interface Run {
  id: string;
  status: string;
  k: number | null;
  perK: { k: number; silhouette: number }[];
  clusters: { id: string; segmentId: string; size: number; description: string }[];
  changedShare: number | null;
  reassigned: number | null;
}

const RUN_FIELDS = `id status k perK { k silhouette } clusters { id segmentId size description } changedShare reassigned`;

async function latestRun(clusteringId: string, after: string | null): Promise<Run> {
  return until(
    'a finished clustering run',
    async () => {
      const { clustering } = await gql<{ clustering: { runs: Run[] } }>(
        `query($id: ID!) { clustering(id: $id) { runs(first: 1) { ${RUN_FIELDS} } } }`,
        { id: clusteringId },
      );
      const run = clustering.runs[0];
      if (run === undefined || run.id === after || run.status === 'RUNNING') return null;
      return run;
    },
    60_000,
  );
}

/** Each planted profile's cluster, as the stored memberships say, once all are assigned. */
async function assignedClusters(
  clusteringId: string,
  expected = planted.size,
): Promise<Map<string, string>> {
  const subjects = collections(t.app.db).segmentSubjects;
  return until('every profile to be assigned a cluster', async () => {
    const docs = await subjects.find({}).toArray();
    const assigned = new Map(
      docs.flatMap((d) => {
        const cluster = d.clusters?.[clusteringId];
        return cluster === undefined ? [] : [[d._id, cluster] as const];
      }),
    );
    return assigned.size === expected ? assigned : null;
  });
}

function recovery(assigned: Map<string, string>): number {
  const ids = [...planted.keys()];
  const clusters = [...new Set(assigned.values())];
  return adjustedRandIndex(
    ids.map((id) => clusters.indexOf(assigned.get(id)!)),
    ids.map((id) => GROUPS.indexOf(planted.get(id)!)),
  );
}

test('a clustering finds the planted groups, its clusters become segments, and a move is heard on another gateway', async () => {
  await plantPopulation();
  const { defineClustering } = await gql<{ defineClustering: { id: string } }>(
    `mutation { defineClustering(input: { name: "Customer behaviour", kMin: 2, kMax: 6, seed: 7 }) { id } }`,
  );
  expect(defineClustering.id).toBe('customer-behaviour');
  const first = await latestRun('customer-behaviour', null);
  expect(first.status).toBe('SUCCEEDED');
  expect(first.perK.map((p) => p.k)).toEqual([2, 3, 4, 5, 6]);
  expect(first.k).toBe(3);
  // Nobody had a cluster: the run itself wrote every profile into one.
  expect(first.reassigned).toBe(3 * PER_GROUP);

  const assigned = await assignedClusters('customer-behaviour');
  expect(recovery(assigned)).toBeGreaterThanOrEqual(0.95);

  // The clusters are segments, with their descriptions and sizes, on either gateway.
  const { segments } = await queryGraphQL<{
    segments: { id: string; kind: string; description: string | null; size: number }[];
  }>(other.url, `{ segments { id kind description size } }`);
  const clusterSegments = segments.filter((s) => s.kind === 'CLUSTER');
  expect(clusterSegments.map((s) => s.id).sort()).toEqual(
    first.clusters.map((c) => c.segmentId).sort(),
  );
  for (const s of clusterSegments) expect(s.description).toMatch(/\w/);
  expect(clusterSegments.reduce((n, s) => n + s.size, 0)).toBe(3 * PER_GROUP);

  // A prospect who starts buying like the loyal ones enters the loyal cluster's segment;
  // the subscriber is on gateway B, the order arrives on gateway A.
  const loyalId = [...planted].find(([, g]) => g === 'loyal')![0];
  const loyalSegment = first.clusters.find((c) => c.id === assigned.get(loyalId))!.segmentId;
  const prospectIndex = 2 * PER_GROUP;
  const heard = firstMessage<{
    segmentMembershipChanged: { segmentId: string; profileId: string; change: string };
  }>(
    client,
    `subscription($s: ID!) { segmentMembershipChanged(segmentId: $s) { segmentId profileId change } }`,
    { s: loyalSegment },
  );
  await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription is registered
  const random = seededRandom(99);
  const orders = ordersFor('loyal', prospectIndex, random);
  await gql(`mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`, {
    o: orders,
  });
  const change = (await heard).segmentMembershipChanged;
  expect(change.change).toBe('ENTERED');
  expect(change.segmentId).toBe(loyalSegment);
  const subject = await collections(t.app.db).segmentSubjects.findOne({ _id: change.profileId });
  expect(subject?.computed.orderCount).toBe(orders.length);
  expect(planted.get(change.profileId)).toBe('prospect');

  // A re-run after that small change keeps every segment id and moves almost nobody.
  const { runClustering } = await gql<{ runClustering: { id: string } }>(
    `mutation { runClustering(id: "customer-behaviour") { id } }`,
  );
  expect(runClustering.id).toBe('customer-behaviour');
  const second = await latestRun('customer-behaviour', first.id);
  expect(second.status).toBe('SUCCEEDED');
  expect(second.clusters.map((c) => c.segmentId).sort()).toEqual(
    first.clusters.map((c) => c.segmentId).sort(),
  );
  expect(second.changedShare).toBeLessThan(0.02);
  expect(second.reassigned).toBeLessThan(0.02 * 3 * PER_GROUP);

  // A clustering for a consent purpose clusters only the profiles that granted it.
  await gql(
    `mutation { defineClustering(input: { name: "Analytics behaviour", k: 2, purpose: "analytics" }) { id } }`,
  );
  const consenting = await latestRun('analytics-behaviour', null);
  expect(consenting.status).toBe('SUCCEEDED');
  const { clustering } = await gql<{ clustering: { runs: { profiles: number }[] } }>(
    `{ clustering(id: "analytics-behaviour") { runs(first: 1) { profiles } } }`,
  );
  expect(clustering.runs[0]!.profiles).toBe(2 * PER_GROUP);
  const inAnalytics = await assignedClusters('analytics-behaviour', 2 * PER_GROUP);
  for (const id of inAnalytics.keys()) expect(planted.get(id)).not.toBe('prospect');

  // Ward's agglomerative clustering, asked for by name, finds the same planted groups.
  await gql(
    `mutation { defineClustering(input: { name: "Nested behaviour", algorithm: WARD, kMin: 2, kMax: 6 }) { id } }`,
  );
  const nested = await latestRun('nested-behaviour', null);
  expect(nested.status).toBe('SUCCEEDED');
  expect(nested.k).toBe(3);
  expect(recovery(await assignedClusters('nested-behaviour'))).toBeGreaterThanOrEqual(0.95);
}, 180_000);

test('one refit of a clustering at a time; a clustering a rule segment uses is not deleted', async () => {
  const runs = await Promise.all([
    worker.clustering.refit('customer-behaviour', 'first ask'),
    worker.clustering.refit('customer-behaviour', 'second ask'),
  ]);
  expect(runs.filter((r) => r === null)).toHaveLength(1);
  expect(runs.find((r) => r !== null)!.status).toBe('SUCCEEDED');

  const { clustering } = await gql<{
    clustering: { segments: { cluster: { clusterId: string } }[] };
  }>(`{ clustering(id: "nested-behaviour") { segments { cluster { clusterId } } } }`);
  const cluster = clustering.segments[0]!.cluster.clusterId;
  await gql(
    `mutation($r: JSON!) { defineSegment(name: "Nested and consenting", rule: $r) { id } }`,
    {
      r: {
        and: [
          { inCluster: { clustering: 'nested-behaviour', cluster } },
          { trait: 'plan', op: 'exists', value: true },
        ],
      },
    },
  );
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `mutation { deleteClustering(id: "nested-behaviour") }` }),
  });
  const body = (await res.json()) as {
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  expect(body.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  expect(body.errors?.[0]?.message).toMatch(/nested-and-consenting/);
  await gql(`mutation { deleteSegment(id: "nested-and-consenting") }`);
  const { deleteClustering } = await gql<{ deleteClustering: boolean }>(
    `mutation { deleteClustering(id: "nested-behaviour") }`,
  );
  expect(deleteClustering).toBe(true);
  const { segments } = await gql<{ segments: { id: string }[] }>(`{ segments { id } }`);
  expect(segments.some((s) => s.id.startsWith('nested-behaviour--'))).toBe(false);
}, 120_000);

test('a clustering definition is checked field by field', async () => {
  const refused = async (input: string, field: string) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { defineClustering(input: ${input}) { id } }` }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { field?: string } }[] };
    expect(body.errors?.[0]?.extensions?.field).toBe(field);
  };
  await refused(`{ name: "x", features: ["shoeSize"] }`, 'input.features[0]');
  await refused(`{ name: "x", kMin: 5, kMax: 3 }`, 'input.kMax');
  await refused(`{ name: "x", k: 3, kMin: 2 }`, 'input.k');
  await refused(`{ name: "x", algorithm: WARD, sampleSize: 50000 }`, 'input.sampleSize');
  await refused(`{ name: "x", refreshEveryMinutes: 0 }`, 'input.refreshEveryMinutes');
  await refused(`{ name: "x", purpose: "Not A Purpose" }`, 'input.purpose');
  await refused(`{ name: "  " }`, 'name');
});
