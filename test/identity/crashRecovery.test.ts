import { openTestStack, type TestStack } from '../support/store';

/**
 * States that only a writer dying between two writes (or losing a race at the wrong
 * moment) can leave behind, built by hand, and what the next writer makes of them.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await openTestStack('recovery');
});
afterAll(() => stack.close());

it('ignores a merge intent left in another log by an attempt that lost its race', async () => {
  const older = await stack.crm.upsert({ crmId: 'rc-older', emails: ['rc-older@example.com'] });
  const bystander = await stack.crm.upsert({
    crmId: 'rc-bystander',
    emails: ['rc-bystander@example.com'],
  });
  const younger = await stack.crm.upsert({
    crmId: 'rc-younger',
    emails: ['rc-younger@example.com'],
  });
  await stack.crm.upsert({
    crmId: 'rc-bystander',
    emails: ['rc-bystander@example.com', 'rc-older@example.com'],
  });
  // An attempt that meant to merge `younger` into `bystander` lost its pointer race and
  // left its intent behind; the real merge below logs its own intent in `older`'s log,
  // and the next fold reads both logs in the same round.
  await stack.graph.appendToLog(bystander.profileId, { kind: 'merge', childId: younger.profileId });
  await stack.crm.upsert({
    crmId: 'rc-younger',
    emails: ['rc-younger@example.com', 'rc-older@example.com'],
  });

  const profile = await stack.reader().byId(older.profileId);
  expect(profile?.mergedFrom.sort()).toEqual([bystander.profileId, younger.profileId].sort());
  expect(profile?.identifiers.map((i) => i.value)).toEqual(
    expect.arrayContaining(['rc-older', 'rc-bystander', 'rc-younger', 'rc-younger@example.com']),
  );
});

it('puts back an identifier that was claimed but never logged, when a record next mentions it', async () => {
  const { profileId } = await stack.crm.upsert({
    crmId: 'rc-owner',
    emails: ['rc-owner@example.com'],
  });
  // A writer claimed this phone for the profile and died before logging it.
  await stack.cols.identities.insertOne({
    _id: 'phone:+14155550177',
    kind: 'PHONE',
    value: '+14155550177',
    profileId,
    source: 'crm',
    recordId: 'crm:rc-owner',
    createdAt: new Date(Date.now() - 60_000),
  });
  expect((await stack.reader().byId(profileId))?.identifiers).not.toContainEqual({
    kind: 'PHONE',
    value: '+14155550177',
  });

  await stack.events.ingest([
    {
      type: 'identify',
      userId: 'rc-user',
      traits: { phone: '+1 415 555 0177' },
      messageId: 'rc-1',
    },
  ]);
  const profile = await stack.reader().byIdentifier('PHONE', '(415) 555-0177');
  expect(profile?._id).toBe(profileId);
  expect(profile?.identifiers).toContainEqual({ kind: 'PHONE', value: '+14155550177' });
  expect(profile?.identifiers).toContainEqual({ kind: 'USER_ID', value: 'rc-user' });
});

it('serves the survivor for a merged-away id even before its view became a tombstone', async () => {
  const a = await stack.crm.upsert({ crmId: 'rc-a', emails: ['rc-a@example.com'] });
  const b = await stack.crm.upsert({ crmId: 'rc-b', emails: ['rc-b@example.com'] });
  // The pointer is written, the writer dies before rebuilding any view.
  await stack.cols.mergePointers.insertOne({
    _id: b.profileId,
    into: a.profileId,
    reason: 'MANUAL',
    linkedBy: null,
    recordId: null,
    explanation: 'test',
    at: new Date(),
  });
  expect((await stack.reader().byId(b.profileId))?._id).toBe(a.profileId);
});

it('finishes a contact whose writer died after storing it but before logging it', async () => {
  const input = { crmId: 'rc-died', firstName: 'Half', emails: ['rc-died@example.com'] };
  // Let a real upsert write everything, then take away what the writer would not have
  // reached (its log entry and the view), and age what it did write past the grace period.
  const first = await stack.crm.upsert(input);
  await stack.cols.profileLog.deleteMany({ log: `profile:${first.profileId}` });
  await stack.cols.logTails.deleteMany({ _id: `profile:${first.profileId}` });
  await stack.cols.profiles.deleteOne({ _id: first.profileId });
  const old = new Date(Date.now() - 60_000);
  await stack.cols.identities.updateMany(
    { profileId: first.profileId },
    { $set: { createdAt: old } },
  );
  await stack.cols.records.updateOne({ _id: 'crm:rc-died' }, { $set: { receivedAt: old } });
  expect(await stack.reader().byIdentifier('EMAIL', 'rc-died@example.com')).toBeNull();

  // The CRM retries the same contact, reaching another gateway process (this one
  // remembers the log it wrote, which the test has just taken away behind its back).
  const other = await stack.connectAnother();
  const again = await other.crm.upsert(input);
  expect(again.profileId).toBe(first.profileId);
  const profile = await other.reader().byIdentifier('EMAIL', 'rc-died@example.com');
  expect(profile?.traits).toMatchObject({ firstName: 'Half' });
  expect(profile?.identifiers).toEqual([
    { kind: 'CRM_ID', value: 'rc-died' },
    { kind: 'EMAIL', value: 'rc-died@example.com' },
  ]);
});
