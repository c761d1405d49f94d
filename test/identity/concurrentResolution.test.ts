import fc from 'fast-check';
import { identityKey, type Identifier } from '../../src/identity/kinds';
import { openTestStack, type TestStack } from '../support/store';

/**
 * Many writers, on independent connections, resolving records that share identifiers
 * in random overlapping patterns. Whatever the interleaving, the store must end with
 * exactly one profile per connected group of records (no more: nothing left unmerged;
 * no fewer: nothing merged wrongly), holding every identifier and trait of its group.
 */

// No limits in play here: this test is about convergence, not about limit policy.
const NO_LIMITS =
  'CRM_ID=1000,EMAIL=1000,PHONE=1000,ANONYMOUS_ID=1000,USER_ID=1000,CUSTOMER_ID=1000';
const CONNECTIONS = 4;

interface GeneratedRecord {
  index: number;
  emails: number[];
}

/** Records of 0-3 shared emails each, from a small pool so that groups overlap a lot. */
const recordsArb = fc
  .array(fc.uniqueArray(fc.integer({ min: 0, max: 24 }), { minLength: 0, maxLength: 3 }), {
    minLength: 10,
    maxLength: 48,
  })
  .map((lists) => lists.map((emails, index): GeneratedRecord => ({ index, emails })));

const emailOf = (n: number) => `shared${n}@example.com`;
const crmIdOf = (run: number, r: GeneratedRecord) => `run${run}-rec${r.index}`;

/** Expected groups: union-find over records linked by shared emails. */
function expectedGroups(records: GeneratedRecord[]): GeneratedRecord[][] {
  const parent = records.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const ownerOfEmail = new Map<number, number>();
  for (const r of records) {
    for (const e of r.emails) {
      const other = ownerOfEmail.get(e);
      if (other === undefined) ownerOfEmail.set(e, r.index);
      else parent[find(r.index)] = find(other);
    }
  }
  const groups = new Map<number, GeneratedRecord[]>();
  for (const r of records) groups.set(find(r.index), [...(groups.get(find(r.index)) ?? []), r]);
  return [...groups.values()];
}

async function runConcurrently(stacks: TestStack[], run: number, records: GeneratedRecord[]) {
  await Promise.all(
    records.map((r, i) =>
      stacks[i % stacks.length]!.crm.upsert({
        crmId: crmIdOf(run, r),
        emails: r.emails.map(emailOf),
        attributes: { [`trait${r.index}`]: r.index },
      }),
    ),
  );
}

/**
 * The same records as CRM bulk syncs: chunks of up to 8 contacts per `upsertMany` call,
 * the calls spread over the writers and all in flight at once, so a chunk's new contacts
 * (resolved together) race other chunks' contacts that share their emails.
 */
async function runInBulk(stacks: TestStack[], run: number, records: GeneratedRecord[]) {
  const chunks: GeneratedRecord[][] = [];
  for (let i = 0; i < records.length; i += 8) chunks.push(records.slice(i, i + 8));
  await Promise.all(
    chunks.map((chunk, i) =>
      stacks[i % stacks.length]!.crm.upsertMany(
        chunk.map((r) => ({
          crmId: crmIdOf(run, r),
          emails: r.emails.map(emailOf),
          attributes: { [`trait${r.index}`]: r.index },
        })),
      ),
    ),
  );
}

async function assertConverged(stack: TestStack, run: number, records: GeneratedRecord[]) {
  const groups = expectedGroups(records);
  const reader = stack.reader();
  const seenProfiles = new Set<string>();
  for (const group of groups) {
    const identifiers: Identifier[] = [
      ...group.map((r) => ({ kind: 'CRM_ID' as const, value: crmIdOf(run, r) })),
      ...[...new Set(group.flatMap((r) => r.emails))].map((e) => ({
        kind: 'EMAIL' as const,
        value: emailOf(e),
      })),
    ];
    const owners = await Promise.all(
      identifiers.map((id) => reader.byIdentifier(id.kind, id.value)),
    );
    const ids = new Set(owners.map((p) => p?._id));
    expect(ids.size).toBe(1);
    const profile = owners[0]!;
    expect(seenProfiles.has(profile._id)).toBe(false);
    seenProfiles.add(profile._id);
    expect(profile.identifiers.map(identityKey).sort()).toEqual(
      identifiers.map(identityKey).sort(),
    );
    expect(Object.keys(profile.traits).sort()).toEqual(
      [
        ...group.map((r) => `trait${r.index}`),
        ...(group.some((r) => r.emails.length > 0) ? ['emails'] : []),
      ].sort(),
    );
  }
  // No stray live profiles: exactly one per group, and every merged-away one is a tombstone.
  expect(await stack.cols.profiles.countDocuments({ mergedInto: null })).toBe(groups.length);
  const pointers = await stack.cols.mergePointers.countDocuments({});
  expect(await stack.cols.profiles.countDocuments({ mergedInto: { $ne: null } })).toBe(pointers);
}

describe('concurrent identity resolution', () => {
  it('ends with one profile per connected group of records, whatever the interleaving', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(recordsArb, async (records) => {
        run++;
        const stack = await openTestStack(`concurrent${run}`, {
          MOSAIC_IDENTIFIER_LIMITS: NO_LIMITS,
        });
        try {
          const stacks = [stack];
          for (let i = 1; i < CONNECTIONS; i++) stacks.push(await stack.connectAnother());
          await runConcurrently(stacks, run, records);
          await assertConverged(stack, run, records);
        } finally {
          await stack.close();
        }
      }),
      { numRuns: 12, seed: Number(process.env.MOSAIC_TEST_SEED ?? 20261121) },
    );
  }, 240_000);

  it('bulk syncs racing each other end the same way, and a re-sent sync changes nothing', async () => {
    let run = 100;
    await fc.assert(
      fc.asyncProperty(recordsArb, async (records) => {
        run++;
        const stack = await openTestStack(`bulk${run}`, { MOSAIC_IDENTIFIER_LIMITS: NO_LIMITS });
        try {
          const stacks = [stack];
          for (let i = 1; i < CONNECTIONS; i++) stacks.push(await stack.connectAnother());
          await runInBulk(stacks, run, records);
          await assertConverged(stack, run, records);
          const views = await stack.cols.profiles.countDocuments({});
          await runInBulk(stacks, run, records);
          await assertConverged(stack, run, records);
          expect(await stack.cols.profiles.countDocuments({})).toBe(views);
        } finally {
          await stack.close();
        }
      }),
      { numRuns: 12, seed: Number(process.env.MOSAIC_TEST_SEED ?? 20261206) },
    );
  }, 240_000);

  it("a bulk call's new contacts are written a step for all of them, into the profiles one-by-one resolution makes", async () => {
    const contacts = Array.from({ length: 30 }, (_, i) => ({
      crmId: `bulk-${i}`,
      firstName: `Name${i}`,
      emails: [`bulk${i}@example.com`],
      attributes: { tier: i % 3 },
    }));
    // Two more that share an email, and one already stored: the one-record path's.
    const linked = [
      { crmId: 'pair-a', emails: ['pair@example.com'] },
      { crmId: 'pair-b', emails: ['pair@example.com'] },
      { crmId: 'known-2', emails: ['known@example.com'] },
    ];
    const bulk = await openTestStack('bulkwrites');
    const single = await openTestStack('singlewrites');
    try {
      await bulk.crm.upsert({ crmId: 'known-1', emails: ['known@example.com'] });
      await single.crm.upsert({ crmId: 'known-1', emails: ['known@example.com'] });
      const claims = jest.spyOn(bulk.store, 'claimIdentities');
      const views = jest.spyOn(bulk.store, 'insertProfiles');
      const results = await bulk.crm.upsertMany([...contacts, ...linked]);
      // The 30 new contacts: one claim insert and one view insert for all of them; the
      // other three claim (and create a view) one at a time.
      expect(claims.mock.calls[0]![0]).toHaveLength(30 * 2);
      expect(claims.mock.calls.slice(1).every(([docs]) => docs.length <= 2)).toBe(true);
      expect(views.mock.calls[0]![0]).toHaveLength(30);
      expect(views.mock.calls.slice(1).every(([docs]) => docs.length === 1)).toBe(true);
      expect(results.slice(0, 30).every((r) => r.created)).toBe(true);
      // The two sharing an email end in one profile (each result is the profile as its
      // contact left it; the one resolved second merged them).
      const [a, b] = await Promise.all(
        ['pair-a', 'pair-b'].map((id) => bulk.reader().byIdentifier('CRM_ID', id)),
      );
      expect(a!._id).toBe(b!._id);
      for (const c of [...contacts, ...linked]) await single.crm.upsert(c);
      // Each contact's profile holds what one-by-one resolution gives it.
      for (const c of [...contacts, ...linked]) {
        const [a, b] = await Promise.all(
          [bulk, single].map((s) => s.reader().byIdentifier('CRM_ID', c.crmId)),
        );
        expect(a!.identifiers.map(identityKey).sort()).toEqual(
          b!.identifiers.map(identityKey).sort(),
        );
        expect(a!.traits).toEqual(b!.traits);
      }
    } finally {
      await Promise.all([bulk.close(), single.close()]);
    }
  }, 60_000);

  it('merges a long chain of profiles linked pairwise by parallel writers into the oldest one', async () => {
    const stack = await openTestStack('chain', { MOSAIC_IDENTIFIER_LIMITS: NO_LIMITS });
    try {
      const stacks = [stack];
      for (let i = 1; i < CONNECTIONS; i++) stacks.push(await stack.connectAnother());
      const n = 30;
      // Seed each anonymous id as its own profile first, so the links cause many merges.
      await Promise.all(
        Array.from({ length: n + 1 }, (_, i) =>
          stacks[i % CONNECTIONS]!.events.ingest([
            { type: 'page', name: 'Home', anonymousId: `chain-${i}`, messageId: `seed-${i}` },
          ]),
        ),
      );
      // Seeded in parallel, so any of them may be the oldest (smallest ULID).
      const seeded = await stack.cols.profiles.find({}, { projection: { _id: 1 } }).toArray();
      const oldest = seeded.map((p) => p._id).sort()[0];
      // Record i links chain-i and chain-(i+1): only all of them together connect the chain.
      const order = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => ((a * 7919) % n) - ((b * 7919) % n),
      );
      await Promise.all(
        order.map((i) =>
          stacks[i % CONNECTIONS]!.crm.upsert({
            crmId: `link-${i}`,
            emails: [`link${i}@example.com`],
            attributes: { [`link${i}`]: true },
          }).then(() =>
            stacks[(i + 1) % CONNECTIONS]!.events.ingest([
              {
                type: 'identify',
                anonymousId: `chain-${i}`,
                traits: { email: `link${i}@example.com` },
                messageId: `l-${i}-a`,
              },
              {
                type: 'identify',
                anonymousId: `chain-${i + 1}`,
                traits: { email: `link${i}@example.com` },
                messageId: `l-${i}-b`,
              },
            ]),
          ),
        ),
      );
      const profile = await stack.reader().byIdentifier('ANONYMOUS_ID', `chain-${n}`);
      expect(profile?._id).toBe(oldest);
      expect(profile?.identifiers.filter((i) => i.kind === 'ANONYMOUS_ID')).toHaveLength(n + 1);
      expect(profile?.identifiers.filter((i) => i.kind === 'EMAIL')).toHaveLength(n);
      for (let i = 0; i < n; i++) expect(profile?.traits[`link${i}`]).toBe(true);
      expect(await stack.cols.profiles.countDocuments({ mergedInto: null })).toBe(1);
      expect(await stack.cols.events.countDocuments({})).toBe(n + 1 + 2 * n);
    } finally {
      await stack.close();
    }
  }, 120_000);
});
