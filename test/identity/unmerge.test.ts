import { startTestApp, type TestApp } from '../support/app';
import { postGraphQL, queryGraphQL } from '../support/gatewayProcess';

/**
 * Two people merged by mistake, then split back out: every identifier, event and order
 * ends on the right profile, and both operations are in each profile's merge log.
 */

let t: TestApp;

const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
  queryGraphQL<T>(t.url, query, variables);

const gqlError = async (query: string, variables?: Record<string, unknown>) => {
  const { body } = await postGraphQL(t.url, query, variables);
  return body.errors?.[0] as { message: string; extensions: { code: string } } | undefined;
};

interface ProfileView {
  id: string;
  identifiers: { kind: string; value: string }[];
  mergedFrom: string[];
  events: { edges: { node: { id: string } }[] };
  orders: { edges: { node: { orderId: string } }[] };
  mergeLog: {
    action: string;
    survivorId: string;
    mergedId: string;
    reason: string;
    undoneBy: string | null;
    recordIds: string[];
    explanation: string;
  }[];
}

const PROFILE_FIELDS = `
  id identifiers { kind value } mergedFrom
  events(first: 50) { edges { node { id } } }
  orders(first: 50) { edges { node { orderId } } }
  mergeLog { action survivorId mergedId reason undoneBy recordIds explanation }`;

const byEmail = async (email: string): Promise<ProfileView> =>
  (
    await gql<{ profileByIdentifier: ProfileView }>(
      `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) { ${PROFILE_FIELDS} } }`,
      { v: email },
    )
  ).profileByIdentifier;

/** A contact upserted through the API; returns the profile it ended in. */
const upsertContact = async (input: Record<string, unknown>): Promise<string> =>
  (
    await gql<{ upsertCrmContact: { id: string } }>(
      `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
      { i: input },
    )
  ).upsertCrmContact.id;

/**
 * Website events, answered once applied to profiles (ingestion is asynchronous; the tests
 * read what the events did right after).
 */
const track = async (events: Record<string, unknown>[]): Promise<void> => {
  const { trackEvents } = await gql<{ trackEvents: { accepted: number; pending: number } }>(
    `mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted pending } }`,
    { e: events },
  );
  expect(trackEvents).toEqual({ accepted: events.length, pending: 0 });
};

/** A website identify call. */
const identify = (messageId: string, userId: string, traits: Record<string, unknown>) =>
  track([{ type: 'IDENTIFY', messageId, userId, traits }]);

const traitsOf = async (email: string): Promise<Record<string, unknown>> =>
  (
    await gql<{ profileByIdentifier: { traits: Record<string, unknown> } }>(
      `query($v: String!) { profileByIdentifier(kind: EMAIL, value: $v) { traits } }`,
      { v: email },
    )
  ).profileByIdentifier.traits;

const ids = (p: ProfileView) => p.identifiers.map((i) => `${i.kind}:${i.value}`).sort();
const eventIds = (p: ProfileView) => p.events.edges.map((e) => e.node.id).sort();
const orderIds = (p: ProfileView) => p.orders.edges.map((e) => e.node.orderId).sort();

/** A person: a CRM contact, two orders, a logged-in session, and (Bob) a phone used before logging in. */
async function seedPerson(name: string, withDevice: boolean): Promise<void> {
  const email = `${name}@example.com`;
  await gql(`mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
    i: { crmId: `crm-${name}`, firstName: name, lastName: 'Doe', emails: [email] },
  });
  await gql(`mutation($o: [OrderInput!]!) { recordOrders(orders: $o) { written } }`, {
    o: [1, 2].map((k) => ({
      orderId: `order-${name}-${k}`,
      customerId: `cust-${name}`,
      email,
      placedAt: new Date(Date.UTC(2026, 5, k)).toISOString(),
      currency: 'EUR',
      total: 10 * k,
      items: [{ sku: 'sku', quantity: 1, unitPrice: 10 * k }],
    })),
  });
  const events: Record<string, unknown>[] = [
    { type: 'IDENTIFY', messageId: `identify-${name}`, userId: `user-${name}`, traits: { email } },
    { type: 'TRACK', messageId: `track-${name}`, userId: `user-${name}`, event: 'Viewed' },
  ];
  if (withDevice) {
    events.push(
      { type: 'PAGE', messageId: `page-${name}`, anonymousId: `phone-${name}`, name: 'Home' },
      {
        type: 'ALIAS',
        messageId: `alias-${name}`,
        previousId: `phone-${name}`,
        userId: `user-${name}`,
      },
    );
  }
  await track(events);
}

beforeAll(async () => {
  t = await startTestApp('unmerge');
  await seedPerson('alice', false);
  await seedPerson('bob', true);
}, 120_000);

afterAll(() => t?.close());

test('a wrong merge is undone: identifiers, events and orders go back, and the merge log shows both', async () => {
  const aliceBefore = await byEmail('alice@example.com');
  const bobBefore = await byEmail('bob@example.com');
  expect(aliceBefore.id).not.toBe(bobBefore.id);
  // Bob's phone was merged into his profile by the alias call: it must leave with him.
  expect(bobBefore.mergedFrom).toHaveLength(1);

  // The mistake: an operator merges Bob into Alice.
  const merged = (
    await gql<{ mergeProfiles: ProfileView }>(
      `mutation($a: ID!, $b: ID!) { mergeProfiles(profileId: $a, otherProfileId: $b, note: "looked alike") { ${PROFILE_FIELDS} } }`,
      { a: aliceBefore.id, b: bobBefore.id },
    )
  ).mergeProfiles;
  const survivor = [aliceBefore.id, bobBefore.id].sort()[0]!;
  expect(merged.id).toBe(survivor);
  expect(ids(merged)).toEqual([...ids(aliceBefore), ...ids(bobBefore)].sort());
  expect(eventIds(merged)).toEqual([...eventIds(aliceBefore), ...eventIds(bobBefore)].sort());
  expect(orderIds(merged)).toEqual([...orderIds(aliceBefore), ...orderIds(bobBefore)].sort());
  expect((await byEmail('bob@example.com')).id).toBe(survivor);

  // The fix: split Bob's CRM record back out.
  const result = (
    await gql<{
      unmergeProfile: {
        unmergeId: string;
        remaining: ProfileView;
        split: ProfileView;
        movedProfileIds: string[];
      };
    }>(
      `mutation($p: ID!, $r: [String!]!) { unmergeProfile(profileId: $p, recordIds: $r) {
        unmergeId movedProfileIds remaining { ${PROFILE_FIELDS} } split { ${PROFILE_FIELDS} } } }`,
      { p: survivor, r: ['crm:crm-bob'] },
    )
  ).unmergeProfile;
  expect(result.remaining.id).toBe(aliceBefore.id);
  expect(result.split.id).toBe(bobBefore.id);
  expect(result.movedProfileIds.sort()).toEqual([bobBefore.id, ...bobBefore.mergedFrom].sort());

  // Read back afresh, by identifier: everything is where it was before the mistake.
  for (const [before, email] of [
    [aliceBefore, 'alice@example.com'],
    [bobBefore, 'bob@example.com'],
  ] as const) {
    const after = await byEmail(email);
    expect(after.id).toBe(before.id);
    expect(ids(after)).toEqual(ids(before));
    expect(after.mergedFrom).toEqual(before.mergedFrom);
    expect(eventIds(after)).toEqual(eventIds(before));
    expect(orderIds(after)).toEqual(orderIds(before));
  }
  for (const [kind, value, owner] of [
    ['USER_ID', 'user-bob', bobBefore.id],
    ['ANONYMOUS_ID', 'phone-bob', bobBefore.id],
    ['CUSTOMER_ID', 'cust-bob', bobBefore.id],
    ['CRM_ID', 'crm-alice', aliceBefore.id],
    ['CUSTOMER_ID', 'cust-alice', aliceBefore.id],
  ] as const) {
    const found = await gql<{ profileByIdentifier: { id: string } }>(
      `query($k: IdentifierKind!, $v: String!) { profileByIdentifier(kind: $k, value: $v) { id } }`,
      { k: kind, v: value },
    );
    expect([kind, value, found.profileByIdentifier.id]).toEqual([kind, value, owner]);
  }

  // Both operations are in both profiles' merge logs, the merge marked as undone.
  const alice = await byEmail('alice@example.com');
  const bob = await byEmail('bob@example.com');
  expect(alice.mergeLog).toEqual([
    expect.objectContaining({
      action: 'MERGE',
      survivorId: aliceBefore.id,
      mergedId: bobBefore.id,
      reason: 'MANUAL',
      undoneBy: result.unmergeId,
    }),
    expect.objectContaining({
      action: 'UNMERGE',
      survivorId: aliceBefore.id,
      mergedId: bobBefore.id,
      recordIds: ['crm:crm-bob'],
    }),
  ]);
  expect(alice.mergeLog[0]!.explanation).toContain('looked alike');
  expect(bob.mergeLog.map((m) => [m.action, m.reason, m.undoneBy])).toEqual([
    ['MERGE', 'ALIAS', null],
    ['MERGE', 'MANUAL', result.unmergeId],
    ['UNMERGE', 'MANUAL', null],
  ]);

  // New data for Bob goes to Bob, and the pair is never merged automatically again.
  await track([
    { type: 'TRACK', messageId: 'track-bob-later', userId: 'user-bob', event: 'Bought' },
  ]);
  expect(eventIds(await byEmail('bob@example.com'))).toContain('track-bob-later');
  expect(eventIds(await byEmail('alice@example.com'))).not.toContain('track-bob-later');
  const explanation = await gql<{ matchExplanation: { rejected: boolean } | null }>(
    `query($a: ID!, $b: ID!) { matchExplanation(profileA: $a, profileB: $b) { rejected } }`,
    { a: aliceBefore.id, b: bobBefore.id },
  );
  expect(explanation.matchExplanation?.rejected).toBe(true);
});

test('unmerge refuses what it cannot do, with the field and the reason', async () => {
  const alice = await byEmail('alice@example.com');
  const notInProfile = await gqlError(
    `mutation($p: ID!) { unmergeProfile(profileId: $p, recordIds: ["crm:crm-bob"]) { unmergeId } }`,
    { p: alice.id },
  );
  expect(notInProfile?.extensions.code).toBe('BAD_USER_INPUT');
  expect(notInProfile?.message).toMatch(/recordIds\[0\].*not part of profile/);

  const unknown = await gqlError(
    `mutation($p: ID!) { unmergeProfile(profileId: $p, recordIds: ["crm:nobody"]) { unmergeId } }`,
    { p: alice.id },
  );
  expect(unknown?.extensions.code).toBe('NOT_FOUND');

  // An unknown profile is reported as such, and no empty profile is left behind.
  const missing = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';
  const nobody = await gqlError(
    `mutation($p: ID!) { unmergeProfile(profileId: $p, recordIds: ["crm:crm-bob"]) { unmergeId } }`,
    { p: missing },
  );
  expect(nobody?.extensions.code).toBe('NOT_FOUND');
  const after = await gql<{ profile: { id: string } | null }>(
    `query($p: ID!) { profile(id: $p) { id } }`,
    { p: missing },
  );
  expect(after.profile).toBeNull();

  // Alice's own record is the profile everything else joined: nothing would remain.
  const everything = await gqlError(
    `mutation($p: ID!) { unmergeProfile(profileId: $p, recordIds: ["crm:crm-alice"]) { unmergeId } }`,
    { p: alice.id },
  );
  expect(everything?.extensions.code).toBe('BAD_USER_INPUT');
  expect(everything?.message).toMatch(/nothing would remain/);
});

test('an identifier a contact gained while wrongly merged leaves with it, and its re-send does not merge the two again', async () => {
  await seedPerson('carol', false);
  await seedPerson('dave', false);
  const carolBefore = await byEmail('carol@example.com');
  const daveBefore = await byEmail('dave@example.com');
  const survivor = [carolBefore.id, daveBefore.id].sort()[0]!;
  await gql(
    `mutation($a: ID!, $b: ID!) { mergeProfiles(profileId: $a, otherProfileId: $b, note: "same surname") { id } }`,
    { a: carolBefore.id, b: daveBefore.id },
  );

  // While merged, Dave's CRM sends his contact again with a second email.
  const daveContact = {
    crmId: 'crm-dave',
    firstName: 'dave',
    lastName: 'Doe',
    emails: ['dave@example.com', 'dave.work@example.com'],
  };
  const upsert = () => upsertContact(daveContact);
  expect(await upsert()).toBe(survivor);
  expect(ids(await byEmail('dave.work@example.com'))).toContain('EMAIL:dave.work@example.com');
  // And the website tells his plan, in an identify call by his user id.
  await identify('identify-dave-plan', 'user-dave', { plan: 'pro' });
  expect((await traitsOf('dave@example.com')).plan).toBe('pro');

  await gql(
    `mutation($p: ID!, $r: [String!]!) { unmergeProfile(profileId: $p, recordIds: $r) { unmergeId } }`,
    { p: survivor, r: ['crm:crm-dave'] },
  );
  const dave = await byEmail('dave.work@example.com');
  expect(dave.id).toBe(daveBefore.id);
  expect(ids(dave)).toEqual([...ids(daveBefore), 'EMAIL:dave.work@example.com'].sort());
  expect(ids(await byEmail('carol@example.com'))).toEqual(ids(carolBefore));
  expect((await traitsOf('dave@example.com')).plan).toBe('pro');
  expect((await traitsOf('carol@example.com')).plan).toBeUndefined();

  // The same contact again, and once more with a third email: Dave stays apart from Carol.
  expect(await upsert()).toBe(daveBefore.id);
  daveContact.emails.push('dave.home@example.com');
  expect(await upsert()).toBe(daveBefore.id);
  const carol = await byEmail('carol@example.com');
  expect(carol.id).toBe(carolBefore.id);
  expect(ids(carol)).toEqual(ids(carolBefore));
  expect(ids(await byEmail('dave.home@example.com'))).toContain('EMAIL:dave.work@example.com');
});

test("an identifier gained by a re-send that linked the contact to someone else's older profile leaves with the contact", async () => {
  // Erin is known from the website only (no CRM contact, so nothing stops a link by email);
  // Frank, later, from the CRM.
  await identify('identify-erin', 'user-erin', { email: 'erin@example.com' });
  const erinBefore = await byEmail('erin@example.com');
  const frankContact = {
    crmId: 'crm-frank',
    firstName: 'frank',
    lastName: 'Doe',
    emails: ['frank@example.com'],
  };
  const upsert = () => upsertContact(frankContact);
  const frankId = await upsert();
  expect(erinBefore.id < frankId).toBe(true); // Erin's survives a merge

  // Frank's CRM re-sends his contact with Erin's email entered by mistake, and a new one:
  // the two are linked by the shared email, into Erin's profile.
  frankContact.emails = ['frank@example.com', 'erin@example.com', 'frank.new@example.com'];
  expect(await upsert()).toBe(erinBefore.id);
  expect((await byEmail('frank.new@example.com')).mergeLog).toEqual([
    expect.objectContaining({ reason: 'SHARED_IDENTIFIER', mergedId: frankId }),
  ]);

  await gql(
    `mutation($p: ID!, $r: [String!]!) { unmergeProfile(profileId: $p, recordIds: $r) { unmergeId } }`,
    { p: erinBefore.id, r: ['crm:crm-frank'] },
  );
  // The new email leaves with Frank; Erin is as she was (the mistaken email was hers
  // before, and stays so).
  expect((await byEmail('frank.new@example.com')).id).toBe(frankId);
  expect(ids(await byEmail('erin@example.com'))).toEqual(ids(erinBefore));

  // The CRM corrects the contact: Frank stays apart from Erin.
  frankContact.emails = ['frank@example.com', 'frank.new@example.com'];
  expect(await upsert()).toBe(frankId);
  expect(ids(await byEmail('erin@example.com'))).toEqual(ids(erinBefore));
});
