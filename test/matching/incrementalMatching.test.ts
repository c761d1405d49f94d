import { startTestApp, type TestApp } from '../support/app';
import { crmMatchingClient, FIRST, person } from '../support/crmMatching';
import { postGraphQL } from '../support/gatewayProcess';
import { withPg } from '../support/postgres';

/**
 * Probabilistic matching through the API, as contacts arrive: a near-duplicate with a
 * different email is merged into the existing profile (which keeps its id), a weaker
 * match waits in the review queue, a person's decision sticks, and every score can be
 * explained field by field. The store holds fewer records than the first training needs,
 * so the model's cautious defaults decide (version 0).
 */

let t: TestApp;
let api: ReturnType<typeof crmMatchingClient>;
const gql: ReturnType<typeof crmMatchingClient>['gql'] = (query, variables) =>
  api.gql(query, variables);
const upsert = (input: Record<string, unknown>) => api.upsert(input);
const profileOf = (crmId: string) => api.profileOf(crmId);
const openReviews = () => api.openReviews();

const PEOPLE = 20;
const ids: string[] = [];

beforeAll(async () => {
  t = await startTestApp('matching');
  api = crmMatchingClient(t.url);
  for (let i = 0; i < PEOPLE; i++) ids.push(await upsert(person(i)));
}, 120_000);

afterAll(() => t?.close());

test('distinct people stay apart', () => {
  expect(new Set(ids).size).toBe(PEOPLE);
});

test('a near-duplicate from another CRM, with a typo and a new email, joins the existing profile, which keeps its id', async () => {
  const original = person(3);
  const duplicate = {
    ...original,
    crmId: 'other-crm-3',
    lastName: original.lastName!.slice(0, -1) + 'x', // a typo
    emails: ['p3.private@example.org'],
  };
  const profileId = await upsert(duplicate);
  expect(profileId).toBe(ids[3]);

  const profile = await profileOf('other-crm-3');
  expect(profile.id).toBe(ids[3]);
  const [merge] = profile.mergeLog;
  expect(merge).toMatchObject({
    reason: 'PROBABILISTIC',
    survivorId: ids[3],
    recordId: 'crm:other-crm-3',
  });
  expect(merge!.match!.probability).toBeGreaterThanOrEqual(0.95);
  expect(merge!.match!.modelVersion).toBe(0);
  expect(merge!.match!.fields).toEqual(
    expect.arrayContaining([
      { field: 'surname', level: 'jaro-winkler ≥ 0.92', weight: expect.any(Number) as number },
      { field: 'nationalId', level: 'exact', weight: expect.any(Number) as number },
    ]),
  );
  expect(merge!.explanation).toMatch(/matched record crm:p-3 with probability/);

  // Re-sending the same contact changes nothing and opens nothing, and does not count as
  // a new record (the store's size drives term frequencies and training).
  const size = await t.app.services.matching!.index.size();
  expect(await upsert(duplicate)).toBe(ids[3]);
  expect(await t.app.services.matching!.index.size()).toBe(size);
  expect((await profileOf('other-crm-3')).mergeLog).toHaveLength(1);
});

test('matchExplanation gives every field its level and weight, and a waterfall that adds up', async () => {
  const { matchExplanation: e } = await gql<{
    matchExplanation: {
      profileA: string;
      profileB: string;
      fields: {
        field: string;
        level: string | null;
        valueA: string | null;
        valueB: string | null;
        weight: number;
      }[];
      priorWeight: number;
      totalWeight: number;
      probability: number;
      decision: string;
      thresholds: { merge: number; review: number };
      waterfall: { label: string; weight: number; cumulative: number }[];
      rejected: boolean;
    };
  }>(
    `query($a: ID!, $b: ID!) { matchExplanation(profileA: $a, profileB: $b) {
      profileA profileB priorWeight totalWeight probability decision rejected
      thresholds { merge review }
      fields { field level valueA valueB weight }
      waterfall { label weight cumulative } } }`,
    { a: ids[1], b: ids[2] },
  );
  expect(e).toMatchObject({
    profileA: ids[1],
    profileB: ids[2],
    decision: 'NO_MATCH',
    rejected: false,
  });
  expect(e.thresholds).toEqual({ merge: 0.95, review: 0.8 });
  expect(e.fields.find((f) => f.field === 'givenName')).toMatchObject({
    level: 'different',
    valueA: FIRST[1],
    valueB: FIRST[2],
  });
  expect(e.fields.find((f) => f.field === 'phone')).toMatchObject({ level: null, weight: 0 });
  const sum = e.priorWeight + e.fields.reduce((s, f) => s + f.weight, 0);
  expect(e.totalWeight).toBeCloseTo(sum, 9);
  expect(e.waterfall[0]!.label).toBe('prior');
  expect(e.waterfall.at(-1)!.cumulative).toBeCloseTo(e.totalWeight, 9);
  expect(e.probability).toBeLessThan(0.8);
});

test('a weaker match waits for review; a rejection sticks, an acceptance merges', async () => {
  // Same name as person 5, but only a postcode besides, and a different one: suggestive, not conclusive.
  const weak = {
    crmId: 'weak-5',
    firstName: person(5).firstName,
    lastName: person(5).lastName,
    address: { postalCode: '9999' },
  };
  const weakId = await upsert(weak);
  expect(weakId).not.toBe(ids[5]);
  const [review] = await openReviews();
  expect(review).toMatchObject({
    recordId: 'crm:weak-5',
    candidateRecordId: 'crm:p-5',
    status: 'OPEN',
    profile: { id: weakId },
    candidateProfile: { id: ids[5] },
  });
  expect(review!.probability).toBeGreaterThanOrEqual(0.8);
  expect(review!.probability).toBeLessThan(0.95);

  const rejected = await gql<{ resolveReview: { status: string } }>(
    `mutation($id: ID!) { resolveReview(id: $id, decision: REJECT) { status } }`,
    { id: review!.id },
  );
  expect(rejected.resolveReview.status).toBe('REJECTED');
  expect(await openReviews()).toEqual([]);
  // The contact changes (so it is matched again): the rejected pair is not proposed again.
  await upsert({ ...weak, address: { postalCode: '9998' } });
  expect(await openReviews()).toEqual([]);
  expect((await profileOf('weak-5')).id).toBe(weakId);

  // Another weak match, accepted by a person: merged, with the score in the merge log.
  const other = {
    crmId: 'weak-7',
    firstName: person(7).firstName,
    lastName: person(7).lastName,
    address: { postalCode: '9997' },
  };
  await upsert(other);
  const [second] = await openReviews();
  expect(second!.recordId).toBe('crm:weak-7');
  // The same pair queued the other way round too, as when both records arrive together:
  // the queue lists it once, and the acceptance answers both.
  const sql = (text: string, values: unknown[] = []) =>
    withPg(async (pool) => {
      await pool.query(`SET search_path TO "${t.pgSchema}"`);
      return (await pool.query<Record<string, unknown>>(text, values)).rows;
    });
  await sql(
    `INSERT INTO match_reviews (record_id, profile_id, candidate_record_id, candidate_profile_id,
       probability, score, model_version, status)
     SELECT candidate_record_id, candidate_profile_id, record_id, profile_id, probability, score,
       model_version, 'open' FROM match_reviews WHERE id = $1`,
    [second!.id],
  );
  expect((await openReviews()).map((r) => r.id)).toEqual([second!.id]);
  const accepted = await gql<{ resolveReview: { status: string } }>(
    `mutation($id: ID!) { resolveReview(id: $id, decision: ACCEPT) { status } }`,
    { id: second!.id },
  );
  expect(accepted.resolveReview.status).toBe('ACCEPTED');
  const merged = await profileOf('weak-7');
  expect(merged.id).toBe(ids[7]);
  expect(merged.mergeLog).toEqual([
    expect.objectContaining({ reason: 'MANUAL', recordId: 'crm:weak-7' }),
  ]);
  expect(merged.mergeLog[0]!.match!.probability).toBeCloseTo(second!.probability, 9);
  expect(await sql(`SELECT status FROM match_reviews WHERE record_id = 'crm:p-7'`)).toEqual([
    { status: 'superseded' },
  ]);
  expect(
    await sql(`SELECT decision FROM match_records WHERE record_id IN ('crm:p-7', 'crm:weak-7')`),
  ).toEqual([{ decision: 'merged' }, { decision: 'merged' }]);

  // A review is resolved once.
  const { body } = await postGraphQL(
    t.url,
    `mutation($id: ID!) { resolveReview(id: $id, decision: REJECT) { status } }`,
    {
      id: second!.id,
    },
  );
  expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
});

test('the model in use is the untrained default until the store has enough records', async () => {
  const { matchModel } = await gql<{
    matchModel: { version: number; records: number; prior: number };
  }>(`{ matchModel { version records prior } }`);
  expect(matchModel).toEqual({ version: 0, records: 0, prior: 0.01 });
});

test('two duplicates arriving at once, in one bulk sync, end in one profile', async () => {
  const original = person(40); // nobody stored yet: each can only find the other
  const contacts = [
    { ...original, crmId: 'bulk-a', emails: ['bulk.a@example.com'] },
    {
      ...original,
      crmId: 'bulk-b',
      emails: ['bulk.b@example.com'],
      firstName: original.firstName + 'h',
    },
  ];
  await gql(`mutation($c: [CrmContactInput!]!) { upsertCrmContacts(inputs: $c) { changed } }`, {
    c: contacts,
  });
  const [a, b] = await Promise.all([profileOf('bulk-a'), profileOf('bulk-b')]);
  expect(a.id).toBe(b.id);
  expect(ids).not.toContain(a.id);
});

test('a record that matches two separate profiles joins both', async () => {
  // Two halves of one person with no field in common (and so no blocking key): they never
  // meet, until a record holding both halves arrives and matches each above the merge
  // threshold. Both merges are in the merge log, each with its own match.
  const dates = await upsert({
    crmId: 'halves-dates',
    birthDate: '1961-07-23',
    attributes: { nationalId: '7730119' },
  });
  const address = await upsert({
    crmId: 'halves-address',
    address: { line1: '88 quarry hill road', city: 'whitby', postalCode: '7301' },
  });
  expect(dates).not.toBe(address);
  const whole = await upsert({
    crmId: 'halves-whole',
    firstName: 'rosalind',
    lastName: 'achterberg',
    birthDate: '1961-07-23',
    address: { line1: '88 quarry hill road', city: 'whitby', postalCode: '7301' },
    attributes: { nationalId: '7730119' },
  });
  const profiles = await Promise.all(
    ['halves-dates', 'halves-address', 'halves-whole'].map((c) => profileOf(c)),
  );
  expect(new Set(profiles.map((p) => p.id))).toEqual(new Set([[dates, address, whole].sort()[0]]));
  const merges = profiles[0]!.mergeLog.filter((m) => m.reason === 'PROBABILISTIC');
  expect(merges.map((m) => m.recordId)).toEqual(['crm:halves-whole', 'crm:halves-whole']);
  // The new record's own profile (`whole` is the live one it ended in) is the third.
  const joined = new Set(merges.flatMap((m) => [m.survivorId, m.mergedId]));
  expect(joined.size).toBe(3);
  expect([...joined]).toEqual(expect.arrayContaining([dates, address]));
});

test('copies of one person sent at once by parallel writers end in one profile holding every identifier', async () => {
  const original = person(41);
  // Each copy is the same person under its own CRM id and email, and all of them arrive
  // together: merges race each other and the rebuilds after them. (Copies with typos
  // could, arriving at once, each see only copies they score in the review band with.)
  const copies = Array.from({ length: 6 }, (_, k) => ({
    ...original,
    crmId: `race-${k}`,
    emails: [`race.${k}@example.com`],
  }));
  await Promise.all(copies.map((c) => upsert(c)));
  const profiles = await Promise.all(copies.map((c) => profileOf(c.crmId)));
  expect(new Set(profiles.map((p) => p.id)).size).toBe(1);
  const { profile } = await gql<{
    profile: { id: string; identifiers: { kind: string; value: string }[] };
  }>(`query($id: ID!) { profile(id: $id) { id identifiers { kind value } } }`, {
    id: profiles[0]!.id,
  });
  const keys = profile.identifiers.map((i) => `${i.kind}:${i.value}`);
  for (const c of copies) {
    expect(keys).toContain(`CRM_ID:${c.crmId}`);
    expect(keys).toContain(`EMAIL:${c.emails[0]}`);
  }
  // The survivor is the oldest of the copies' profiles, as in every merge.
  expect(profile.id).toBe(
    [...profiles.flatMap((p) => [p.id, ...p.mergeLog.map((m) => m.mergedId)])].sort()[0],
  );
});
