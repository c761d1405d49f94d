import { collectionCounts, openTestStack, type TestStack } from '../support/store';

let stack: TestStack;
beforeAll(async () => {
  stack = await openTestStack('deterministic');
});
afterAll(() => stack.close());

const byEmail = (email: string) => stack.reader().byIdentifier('EMAIL', email);

describe('CRM contacts', () => {
  it('finds a contact by its email written with other case and surrounding spaces', async () => {
    const created = await stack.crm.upsert({
      crmId: 'crm-1',
      firstName: 'Some',
      emails: ['some.one@example.com'],
    });
    const found = await byEmail('  Some.One@Example.COM ');
    expect(found?._id).toBe(created.profileId);
    expect(found?.identifiers).toEqual([
      { kind: 'CRM_ID', value: 'crm-1' },
      { kind: 'EMAIL', value: 'some.one@example.com' },
    ]);
    expect(found?.traits).toMatchObject({ firstName: 'Some' });
  });

  it("writes a new contact's first view directly, as the document a fold of its log gives", async () => {
    const { profileId } = await stack.crm.upsert({
      crmId: 'crm-first-view',
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: ['ada@example.com'],
      phones: ['+44 20 7946 0958'],
      birthDate: '1985-12-10',
      address: { city: 'London', postalCode: 'W1' },
    });
    const written = await stack.cols.profiles.findOne({ _id: profileId });
    // The same profile folded from nothing: its log and its stored record version.
    await stack.cols.profiles.deleteOne({ _id: profileId });
    const folded = await stack.graph.materialise([profileId]);
    // Only the time of writing may differ.
    const direct = { ...written!, updatedAt: null };
    expect(direct).toEqual({ ...folded, updatedAt: null });
    expect(direct.traits).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(Object.keys(direct.build.traitOrigins).sort()).toEqual(
      Object.keys(direct.traits).sort(),
    );
  });

  it('stores phones in E.164 and matches any common way of writing them', async () => {
    const { profileId } = await stack.crm.upsert({
      crmId: 'crm-phone',
      phones: ['(415) 555-0132'],
    });
    const found = await stack.reader().byIdentifier('PHONE', '+1 415 555 0132');
    expect(found?._id).toBe(profileId);
    expect(found?.identifiers).toContainEqual({ kind: 'PHONE', value: '+14155550132' });
  });

  it('changes nothing when the same contact is sent again', async () => {
    const input = {
      crmId: 'crm-2',
      lastName: 'Twice',
      emails: ['twice@example.com'],
      attributes: { tier: 'gold' },
    };
    const first = await stack.crm.upsert(input);
    const before = await stack.cols.profiles.findOne({ _id: first.profileId });
    const counts = await collectionCounts(stack.cols);
    const again = await stack.crm.upsert({ ...input, attributes: { tier: 'gold' } });
    expect(again).toMatchObject({ profileId: first.profileId, changed: false, created: false });
    expect(await stack.cols.profiles.findOne({ _id: first.profileId })).toEqual(before);
    expect(await collectionCounts(stack.cols)).toEqual(counts);
  });

  it('updates traits when a contact changes, keeping the profile id', async () => {
    const first = await stack.crm.upsert({
      crmId: 'crm-3',
      firstName: 'Ann',
      emails: ['ann@example.com'],
    });
    const second = await stack.crm.upsert({
      crmId: 'crm-3',
      firstName: 'Anne',
      emails: ['ann@example.com'],
    });
    expect(second.profileId).toBe(first.profileId);
    expect((await byEmail('ann@example.com'))?.traits).toMatchObject({ firstName: 'Anne' });
    // Bronze keeps both versions as they arrived.
    expect(await stack.cols.rawRecords.countDocuments({ recordId: 'crm:crm-3' })).toBe(2);
  });

  it('merges two contacts that share an email; the older profile survives and the merge log says why', async () => {
    const older = await stack.crm.upsert({ crmId: 'crm-a', emails: ['shared.a@example.com'] });
    const younger = await stack.crm.upsert({ crmId: 'crm-b', phones: ['+44 20 7946 0001'] });
    const linking = await stack.crm.upsert({
      crmId: 'crm-b',
      phones: ['+44 20 7946 0001'],
      emails: ['SHARED.A@example.com'],
    });
    expect(linking.profileId).toBe(older.profileId);
    expect(linking.mergedProfileIds).toEqual([younger.profileId]);

    const viaOldId = await stack.reader().byId(younger.profileId);
    expect(viaOldId?._id).toBe(older.profileId);
    expect(viaOldId?.mergedFrom).toEqual([younger.profileId]);
    const log = await stack.reader().mergeLog(viaOldId!);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ action: 'MERGE', undoneBy: null });
    expect(log[0]!.action === 'MERGE' && log[0]!.pointer).toMatchObject({
      into: older.profileId,
      _id: younger.profileId,
      reason: 'SHARED_IDENTIFIER',
      recordId: 'crm:crm-b',
    });
    expect(log[0]!.action === 'MERGE' && log[0]!.pointer.explanation).toContain(
      'shared.a@example.com',
    );
  });
});

describe('events', () => {
  it('merges an anonymous visitor into the known customer when identify links the anonymous id and email', async () => {
    const customer = await stack.crm.upsert({
      crmId: 'crm-visitor',
      emails: ['visitor@example.com'],
    });
    const track = await stack.events.ingest([
      { type: 'track', event: 'Viewed Product', anonymousId: 'anon-visitor', messageId: 'ev-1' },
    ]);
    const anonymousProfile = track.outcomes[0]!.profileId;
    expect(anonymousProfile).not.toBe(customer.profileId);

    await stack.events.ingest([
      {
        type: 'identify',
        anonymousId: 'anon-visitor',
        userId: 'user-visitor',
        traits: { email: 'Visitor@Example.com', plan: 'pro' },
        messageId: 'ev-2',
      },
    ]);
    const profile = await stack.reader().byIdentifier('ANONYMOUS_ID', 'anon-visitor');
    expect(profile?._id).toBe(customer.profileId);
    expect(profile?.identifiers).toEqual(
      expect.arrayContaining([
        { kind: 'USER_ID', value: 'user-visitor' },
        { kind: 'EMAIL', value: 'visitor@example.com' },
        { kind: 'ANONYMOUS_ID', value: 'anon-visitor' },
      ]),
    );
    expect(profile?.traits).toMatchObject({ plan: 'pro', email: 'visitor@example.com' });
    const events = await stack.reader().recentEvents(profile!, 10);
    expect(events.map((e) => e._id).sort()).toEqual(['ev-1', 'ev-2']);
    const [entry] = await stack.reader().mergeLog(profile!);
    expect(entry?.action === 'MERGE' && entry.pointer).toMatchObject({
      _id: anonymousProfile,
      recordId: 'event:ev-2',
      linkedBy: { kind: 'ANONYMOUS_ID', value: 'anon-visitor' },
    });
  });

  it('ignores an event sent twice with the same messageId', async () => {
    const event = {
      type: 'track' as const,
      event: 'Clicked',
      anonymousId: 'anon-dup',
      messageId: 'dup-1',
    };
    const first = await stack.events.ingest([event]);
    const counts = await collectionCounts(stack.cols);
    const second = await stack.events.ingest([event]);
    expect(first).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(second).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(second.outcomes[0]!.profileId).toBe(first.outcomes[0]!.profileId);
    expect(await collectionCounts(stack.cols)).toEqual(counts);
  });

  it('treats events without messageId but with identical content as one event', async () => {
    const event = {
      type: 'track' as const,
      event: 'Same',
      anonymousId: 'anon-same',
      timestamp: new Date('2026-01-01T00:00:00Z'),
    };
    const result = await stack.events.ingest([event, { ...event }]);
    expect(result).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('links the previous anonymous id to the user id on alias', async () => {
    await stack.events.ingest([
      { type: 'page', name: 'Home', anonymousId: 'anon-alias', messageId: 'al-1' },
    ]);
    await stack.events.ingest([
      { type: 'track', event: 'Signed Up', userId: 'user-alias', messageId: 'al-2' },
    ]);
    await stack.events.ingest([
      { type: 'alias', previousId: 'anon-alias', userId: 'user-alias', messageId: 'al-3' },
    ]);
    const a = await stack.reader().byIdentifier('ANONYMOUS_ID', 'anon-alias');
    const b = await stack.reader().byIdentifier('USER_ID', 'user-alias');
    expect(a?._id).toBe(b?._id);
    const log = await stack.reader().mergeLog(a!);
    expect(log.map((l) => l.action === 'MERGE' && l.pointer.reason)).toEqual(['ALIAS']);
  });
});

describe('identifier policy', () => {
  it('does not link two people through a blocked placeholder email', async () => {
    const a = await stack.crm.upsert({
      crmId: 'crm-blocked-a',
      emails: ['test@test.com', 'a.person@example.com'],
    });
    const b = await stack.crm.upsert({
      crmId: 'crm-blocked-b',
      emails: ['TEST@test.com', 'b.person@example.com'],
    });
    expect(a.profileId).not.toBe(b.profileId);
    expect(await byEmail('test@test.com')).toBeNull();
  });

  it('keeps a shared device from merging two users: one USER_ID per profile', async () => {
    await stack.events.ingest([
      { type: 'identify', userId: 'user-first', anonymousId: 'shared-device', messageId: 'sd-1' },
    ]);
    const second = await stack.events.ingest([
      { type: 'identify', userId: 'user-second', anonymousId: 'shared-device', messageId: 'sd-2' },
    ]);
    const first = await stack.reader().byIdentifier('USER_ID', 'user-first');
    expect(second.outcomes[0]!.profileId).not.toBe(first!._id);
    expect((await stack.reader().byIdentifier('USER_ID', 'user-second'))?._id).toBe(
      second.outcomes[0]!.profileId,
    );
    // The device stays with the user who had it first.
    expect((await stack.reader().byIdentifier('ANONYMOUS_ID', 'shared-device'))?._id).toBe(
      first!._id,
    );
  });

  it('merges a chain of profiles into the oldest one', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push(
        (await stack.crm.upsert({ crmId: `chain-${i}`, emails: [`chain${i}@example.com`] }))
          .profileId,
      );
    await stack.events.ingest([
      {
        type: 'identify',
        anonymousId: 'chain-linker',
        traits: { email: 'chain3@example.com' },
        messageId: 'ch-1',
      },
      {
        type: 'identify',
        anonymousId: 'chain-linker',
        traits: { email: 'chain1@example.com' },
        messageId: 'ch-2',
      },
    ]);
    await stack.crm.upsert({
      crmId: 'chain-0',
      emails: ['chain0@example.com', 'chain2@example.com', 'chain3@example.com'],
    });
    const profile = await byEmail('chain2@example.com');
    expect(profile?._id).toBe(ids[0]);
    expect(profile?.mergedFrom.sort()).toEqual(ids.slice(1).sort());
    for (const id of ids) expect((await stack.reader().byId(id))?._id).toBe(ids[0]);
  });
});

describe('traits', () => {
  it('keeps traits named like Object.prototype members as ordinary traits', async () => {
    const { profileId } = await stack.crm.upsert({
      crmId: 'proto-1',
      emails: ['proto@example.com'],
      attributes: { toString: 'x', constructor: 'y', hasOwnProperty: 'z' },
    });
    await stack.crm.upsert({
      crmId: 'proto-2',
      emails: ['proto@example.com'],
      attributes: { toString: 'newer' },
    });
    const profile = await stack.reader().byId(profileId);
    expect(profile?.traits).toMatchObject({
      toString: 'newer',
      constructor: 'y',
      hasOwnProperty: 'z',
    });
  });

  it('keeps the newest version of a contact when two versions are sent at once', async () => {
    await stack.crm.upsert({
      crmId: 'versions',
      emails: ['versions@example.com'],
      firstName: 'v0',
    });
    const other = await stack.connectAnother();
    await Promise.all([
      stack.crm.upsert({
        crmId: 'versions',
        emails: ['versions@example.com'],
        firstName: 'v1',
        lastName: 'L1',
      }),
      other.crm.upsert({
        crmId: 'versions',
        emails: ['versions@example.com'],
        firstName: 'v2',
        attributes: { tier: 'gold' },
      }),
    ]);
    const profile = await stack.reader().byIdentifier('EMAIL', 'versions@example.com');
    // Each version's traits are folded in; per key the later observation wins.
    expect(profile?.traits).toMatchObject({ lastName: 'L1', tier: 'gold' });
    expect(['v1', 'v2']).toContain(profile?.traits.firstName);
  });
});

describe('bad input writes nothing', () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      'an invalid email',
      () => stack.crm.upsert({ crmId: 'bad-1', emails: ['ok@example.com', 'not-an-email'] }),
      /input\.emails\[1\]: "not-an-email" is not a valid email/,
    ],
    [
      'an invalid phone',
      () => stack.crm.upsert({ crmId: 'bad-2', phones: ['123'] }),
      /input\.phones\[0\]: "123" is not a valid phone number/,
    ],
    [
      'an operator key in attributes',
      () => stack.crm.upsert({ crmId: 'bad-3', attributes: { plan: { $gt: '' } } }),
      /input\.attributes\.plan\.\$gt: keys must not start with "\$"/,
    ],
    [
      'a dotted key in traits',
      () => stack.events.ingest([{ type: 'identify', userId: 'u-bad', traits: { 'a.b': 1 } }]),
      /events\[0\]\.traits\.a\.b: keys must not contain "\."/,
    ],
    [
      'an impossible birth date',
      () => stack.crm.upsert({ crmId: 'bad-4', birthDate: '1990-02-30' }),
      /input\.birthDate: "1990-02-30" is not a calendar date/,
    ],
    [
      'a blank crm id',
      () => stack.crm.upsert({ crmId: '   ' }),
      /input\.crmId: CRM_ID must not be empty/,
    ],
    [
      'an event without any id',
      () => stack.events.ingest([{ type: 'track', event: 'x' }]),
      /events\[0\]: an event needs a userId or anonymousId/,
    ],
    [
      'one bad event in a batch of good ones',
      () =>
        stack.events.ingest([
          { type: 'track', event: 'Good', anonymousId: 'anon-good', messageId: 'good-1' },
          {
            type: 'identify',
            anonymousId: 'anon-good',
            traits: { email: 'nope' },
            messageId: 'good-2',
          },
        ]),
      /events\[1\]\.traits\.email: "nope" is not a valid email/,
    ],
    [
      'a huge identifier',
      () => stack.crm.upsert({ crmId: 'x'.repeat(10_000) }),
      /input\.crmId: CRM_ID is 10000 characters long; the limit is 256/,
    ],
  ];

  it.each(cases)('rejects %s with a message naming the field', async (_name, attempt, message) => {
    const before = await collectionCounts(stack.cols);
    const error: unknown = await attempt().then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((error as Error).message).toMatch(message);
    expect(await collectionCounts(stack.cols)).toEqual(before);
  });
});
