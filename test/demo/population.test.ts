import { generatePopulation, type Population } from '../../scripts/demo/population';
import { IdentifierPolicy, type RawIdentifier } from '../../src/identity/identifierPolicy';
import type { Identifier } from '../../src/identity/kinds';
import { fromSegmentCall } from '../../src/ingest/segmentPayload';
import { assertJsonObject } from '../../src/validation/json';
import { testConfig } from '../support/env';

const DAY = 86_400_000;
// Fixed for the whole file (determinism compares two runs), and never in the future.
const NOW = new Date(Math.floor(Date.now() / DAY) * DAY);
const CUSTOMERS = 2_000;
const policy = new IdentifierPolicy(testConfig().identity);

/** The person's linkable email and phone identifiers, as resolution sees them. */
const contactKeys = (ids: readonly Identifier[]): string[] =>
  ids.filter((i) => i.kind === 'EMAIL' || i.kind === 'PHONE').map((i) => `${i.kind}:${i.value}`);

let population: Population;
beforeAll(() => {
  population = generatePopulation({ customers: CUSTOMERS, seed: 7, now: NOW });
});

describe('Determinism', () => {
  it('gives the same population for the same seed and a different one for another seed', () => {
    const again = generatePopulation({ customers: CUSTOMERS, seed: 7, now: NOW });
    expect(again).toEqual(population);
    const other = generatePopulation({ customers: CUSTOMERS, seed: 8, now: NOW });
    expect(other.crmContacts).not.toEqual(population.crmContacts);
    expect(other.segmentCalls).not.toEqual(population.segmentCalls);
  });
});

describe('Sizes', () => {
  it('has CRM contacts, orders and events in the proportions of a real shop', () => {
    const { crmContacts, orders, segmentCalls, truth } = population;
    const inA = crmContacts.filter((c) => c.crmId.startsWith('A-')).length;
    const inB = crmContacts.filter((c) => c.crmId.startsWith('B-')).length;
    expect(inA / CUSTOMERS).toBeGreaterThan(0.8);
    expect(inA / CUSTOMERS).toBeLessThan(0.9);
    expect(inB / CUSTOMERS).toBeGreaterThan(0.16);
    expect(inB / CUSTOMERS).toBeLessThan(0.24);
    const buyers = new Set(orders.map((o) => o.customerId)).size;
    expect(buyers / CUSTOMERS).toBeGreaterThan(0.55);
    expect(buyers / CUSTOMERS).toBeLessThan(0.65);
    expect(orders.length / buyers).toBeGreaterThan(2.3);
    expect(orders.length / buyers).toBeLessThan(3.4);
    // ~70% browse and identify; anonymous visitors come on top.
    expect(truth.users.size / CUSTOMERS).toBeGreaterThan(0.65);
    expect(truth.users.size / CUSTOMERS).toBeLessThan(0.75);
    expect(segmentCalls.length / CUSTOMERS).toBeGreaterThan(6);
    expect(segmentCalls.length / CUSTOMERS).toBeLessThan(10);
  });

  // Speed is measured, not asserted (a loaded CI machine is no stopwatch): the 100k
  // generation time is quoted in the README from a bench run.
  it('scales linearly: five times the customers, about five times the records', () => {
    const big = generatePopulation({ customers: 5 * CUSTOMERS, seed: 1, now: NOW });
    const ratio = big.segmentCalls.length / population.segmentCalls.length;
    expect(ratio).toBeGreaterThan(4.5);
    expect(ratio).toBeLessThan(5.5);
    expect(big.crmContacts.length / population.crmContacts.length).toBeCloseTo(5, 0);
  });
});

// The validity checks collect problems and assert once: a failure lists every bad record,
// and 20k records do not cost 200k `expect` calls.
describe('Validity', () => {
  it('gives CRM contacts that pass the CRM service’s checks', () => {
    const coreTraits = ['firstName', 'lastName', 'birthDate', 'address', 'emails', 'phones'];
    const problems: string[] = [];
    for (const [i, c] of population.crmContacts.entries()) {
      const at = `crmContacts[${i}]`;
      const raw: RawIdentifier[] = [{ kind: 'CRM_ID', value: c.crmId, field: `${at}.crmId` }];
      for (const value of c.emails ?? []) raw.push({ kind: 'EMAIL', value, field: at });
      for (const value of c.phones ?? []) raw.push({ kind: 'PHONE', value, field: at });
      const { usable } = policy.prepare(raw); // throws on a malformed email or phone
      if (!usable.some((id) => id.kind === 'CRM_ID')) problems.push(`${at}: crmId is blocked`);
      // A real identifier besides the CRM id, even when a placeholder is there too.
      if (contactKeys(usable).length === 0) problems.push(`${at}: no usable email or phone`);
      for (const name of [c.firstName, c.lastName]) {
        if (!name?.trim() || name.length > 200) problems.push(`${at}: name "${name}"`);
      }
      if (c.birthDate != null) {
        const date = new Date(`${c.birthDate}T00:00:00Z`);
        if (
          !/^\d{4}-\d{2}-\d{2}$/.test(c.birthDate) ||
          Number.isNaN(date.getTime()) ||
          date.toISOString().slice(0, 10) !== c.birthDate ||
          date.getTime() > NOW.getTime()
        )
          problems.push(`${at}: birthDate "${c.birthDate}"`);
      }
      for (const [key, value] of Object.entries(c.address ?? {})) {
        if (typeof value !== 'string' || value.trim().length > 200)
          problems.push(`${at}: address.${key} ${JSON.stringify(value)}`);
      }
      const attributes = assertJsonObject(c.attributes, `${at}.attributes`); // throws on `$`, `.`
      for (const key of coreTraits) {
        if (key in attributes) problems.push(`${at}: attribute ${key} is a core trait`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives orders that pass the order service’s checks, with totals matching their items', () => {
    const earliest = NOW.getTime() - 731 * DAY;
    const problems: string[] = [];
    for (const [i, o] of population.orders.entries()) {
      const at = `orders[${i}] ${o.orderId}`;
      const raw: RawIdentifier[] = [{ kind: 'CUSTOMER_ID', value: o.customerId, field: at }];
      if (o.email != null) raw.push({ kind: 'EMAIL', value: o.email, field: `${at}.email` });
      if (o.phone != null) raw.push({ kind: 'PHONE', value: o.phone, field: `${at}.phone` });
      // Exactly one of email and phone, and it links the order to the person.
      if (raw.length !== 2 || contactKeys(policy.prepare(raw).usable).length !== 1)
        problems.push(`${at}: email ${o.email}, phone ${o.phone}`);
      if (!/^C-\d+$/.test(o.customerId)) problems.push(`${at}: customerId ${o.customerId}`);
      const placedAt = o.placedAt.getTime();
      if (!(placedAt > earliest && placedAt <= NOW.getTime()))
        problems.push(`${at}: placedAt ${o.placedAt.toISOString()}`);
      if (!['completed', 'refunded', 'cancelled', 'pending'].includes(o.status ?? ''))
        problems.push(`${at}: status ${o.status}`);
      if (o.currency !== 'USD') problems.push(`${at}: currency ${o.currency}`);
      const cents = Math.round(o.total * 100);
      if (o.total < 5 || o.total > 500 || Math.abs(cents - o.total * 100) > 1e-6)
        problems.push(`${at}: total ${o.total}`);
      const items = o.items ?? [];
      if (items.length < 1 || items.length > 4) problems.push(`${at}: ${items.length} items`);
      let sum = 0;
      for (const item of items) {
        if (item.sku.trim() === '' || !Number.isInteger(item.quantity) || item.quantity < 1)
          problems.push(`${at}: item ${JSON.stringify(item)}`);
        sum += item.quantity * Math.round(item.unitPrice * 100);
      }
      if (sum !== cents) problems.push(`${at}: items add up to ${sum / 100}, total ${o.total}`);
    }
    expect(problems).toEqual([]);
    const statuses = new Set(population.orders.map((o) => o.status));
    expect([...statuses].sort()).toEqual(['cancelled', 'completed', 'pending', 'refunded']);
  });

  it('gives Segment calls that the tracking API parses, unique and in time order', () => {
    const problems: string[] = [];
    const messageIds = new Set<string>();
    const context = { library: { name: 'analytics-node', version: '3.1.0' } };
    let previous = 0;
    for (const [i, call] of population.segmentCalls.entries()) {
      const field = `batch[${i}]`;
      const event = fromSegmentCall(call, field, { receivedAt: NOW }); // throws when malformed
      if (JSON.stringify(call.context) !== JSON.stringify(context))
        problems.push(`${field}: context ${JSON.stringify(call.context)}`);
      messageIds.add(event.messageId ?? '');
      const t = event.timestamp?.getTime() ?? NaN;
      if (!(t >= previous && t <= NOW.getTime()))
        problems.push(`${field}: timestamp ${String(call.timestamp)}`);
      previous = t;

      const raw: RawIdentifier[] = [];
      if (event.userId != null) raw.push({ kind: 'USER_ID', value: event.userId, field });
      if (event.anonymousId != null)
        raw.push({ kind: 'ANONYMOUS_ID', value: event.anonymousId, field });
      const traits = (event.traits ?? {}) as Record<string, unknown>;
      const ok = {
        identify:
          /^U-\d+$/.test(event.userId ?? '') &&
          Object.keys(traits).sort().join() === 'email,firstName,lastName' &&
          typeof traits.firstName === 'string' &&
          typeof traits.lastName === 'string',
        alias: /^U-\d+$/.test(event.userId ?? '') && !!event.previousId,
        track: !!event.event,
        page: !!event.name,
        screen: false,
        group: false,
      }[event.type];
      if (!ok) problems.push(`${field}: ${JSON.stringify(call)}`);
      if (event.type === 'identify')
        raw.push({ kind: 'EMAIL', value: String(traits.email), field: `${field}.traits.email` });
      if (raw.length === 0 || policy.prepare(raw).usable.length !== raw.length)
        problems.push(`${field}: identifiers ${JSON.stringify(raw)}`);
    }
    expect(problems).toEqual([]);
    expect(messageIds.size).toBe(population.segmentCalls.length);
    const completed = population.segmentCalls.filter((c) => c.event === 'Order Completed');
    const orderIds = new Set(population.orders.map((o) => o.orderId));
    expect(completed.length).toBeGreaterThan(0);
    const unknown = completed.filter(
      (c) => !orderIds.has((c.properties as { orderId: string }).orderId),
    );
    expect(unknown).toEqual([]);
  });
});

describe('Identity scenarios', () => {
  it('has devices shared by two customers who each identify as themselves', () => {
    const usersOnDevice = new Map<string, Set<string>>();
    for (const c of population.segmentCalls) {
      if (c.type !== 'identify') continue;
      const users = usersOnDevice.get(c.anonymousId as string) ?? new Set<string>();
      usersOnDevice.set(c.anonymousId as string, users.add(c.userId as string));
    }
    const shared = [...usersOnDevice.values()].filter((users) => users.size > 1);
    expect(shared.length).toBeGreaterThan(CUSTOMERS * 0.01);
    for (const users of shared) {
      const people = new Set([...users].map((u) => population.truth.users.get(u)));
      expect(people.size).toBe(users.size);
    }
  });

  it('has anonymous-only visitors who never identify', () => {
    const linked = new Set<unknown>();
    for (const c of population.segmentCalls) {
      if (c.type === 'identify') linked.add(c.anonymousId);
      if (c.type === 'alias') linked.add(c.previousId);
    }
    const anonymous = new Set(
      population.segmentCalls.map((c) => c.anonymousId).filter((a) => a && !linked.has(a)),
    );
    expect(anonymous.size).toBeGreaterThan(CUSTOMERS * 0.08);
  });

  it('links every CRM duplicate to its original by a shared email or phone, typos and all', () => {
    const byPerson = new Map<number, { a: Set<string>; b: Set<string>[] }>();
    let typos = 0;
    const names = new Map<number, string>();
    for (const c of population.crmContacts) {
      const person = population.truth.crm.get(c.crmId)!;
      const raw: RawIdentifier[] = [
        ...(c.emails ?? []).map((value) => ({ kind: 'EMAIL' as const, value, field: 'x' })),
        ...(c.phones ?? []).map((value) => ({ kind: 'PHONE' as const, value, field: 'x' })),
      ];
      const keys = new Set(contactKeys(policy.prepare(raw).usable));
      const entry = byPerson.get(person) ?? { a: new Set<string>(), b: [] };
      const name = `${c.firstName} ${c.lastName}`.toLowerCase();
      if (c.crmId.startsWith('A-')) {
        entry.a = keys;
        names.set(person, name);
      } else {
        entry.b.push(keys);
        if (names.get(person) !== name) typos++;
      }
      byPerson.set(person, entry);
    }
    let duplicates = 0;
    for (const { a, b } of byPerson.values()) {
      for (const keys of b) {
        duplicates++;
        expect([...keys].some((k) => a.has(k))).toBe(true);
      }
    }
    expect(duplicates).toBeGreaterThan(CUSTOMERS * 0.15);
    expect(typos).toBeGreaterThan(0);
  });

  it('shows blocked placeholder emails next to real identifiers', () => {
    const withPlaceholder = population.crmContacts.filter((c) => {
      const raw = (c.emails ?? []).map((value) => ({ kind: 'EMAIL' as const, value, field: 'x' }));
      return policy.prepare(raw).blocked.length > 0;
    });
    expect(withPlaceholder.length).toBeGreaterThan(population.crmContacts.length * 0.01);
    expect(withPlaceholder.length).toBeLessThan(population.crmContacts.length * 0.06);
  });

  it('never gives two people the same email or phone', () => {
    const owner = new Map<string, number>();
    const conflicts: string[] = [];
    const claim = (keys: string[], person: number) => {
      for (const key of keys) {
        const other = owner.get(key);
        if (other !== undefined && other !== person)
          conflicts.push(`${key}: people ${other} and ${person}`);
        owner.set(key, person);
      }
    };
    const { crmContacts, orders, segmentCalls, truth } = population;
    for (const c of crmContacts) {
      const raw: RawIdentifier[] = [
        ...(c.emails ?? []).map((value) => ({ kind: 'EMAIL' as const, value, field: 'x' })),
        ...(c.phones ?? []).map((value) => ({ kind: 'PHONE' as const, value, field: 'x' })),
      ];
      claim(contactKeys(policy.prepare(raw).usable), truth.crm.get(c.crmId)!);
    }
    for (const o of orders) {
      const raw: RawIdentifier[] = [];
      if (o.email != null) raw.push({ kind: 'EMAIL', value: o.email, field: 'x' });
      if (o.phone != null) raw.push({ kind: 'PHONE', value: o.phone, field: 'x' });
      claim(contactKeys(policy.prepare(raw).usable), truth.orders.get(o.orderId)!);
    }
    for (const c of segmentCalls) {
      if (c.type !== 'identify') continue;
      const email = (c.traits as { email: string }).email;
      const raw: RawIdentifier[] = [{ kind: 'EMAIL', value: email, field: 'x' }];
      claim(contactKeys(policy.prepare(raw).usable), truth.users.get(c.userId as string)!);
    }
    expect(conflicts).toEqual([]);
  });
});

describe('Ground truth', () => {
  it('names the person of every CRM contact, order and user, and nothing else', () => {
    const { crmContacts, orders, segmentCalls, truth } = population;
    expect(new Set(truth.crm.keys())).toEqual(new Set(crmContacts.map((c) => c.crmId)));
    expect(new Set(truth.orders.keys())).toEqual(new Set(orders.map((o) => o.orderId)));
    const userIds = new Set(segmentCalls.map((c) => c.userId).filter((u) => u !== undefined));
    expect(new Set(truth.users.keys())).toEqual(userIds);
    for (const map of [truth.crm, truth.orders, truth.users]) {
      for (const person of map.values()) {
        expect(Number.isInteger(person) && person >= 0 && person < CUSTOMERS).toBe(true);
      }
    }
    // A customer's orders are all one person's.
    const personOfCustomer = new Map<string, number>();
    for (const o of orders) {
      const person = truth.orders.get(o.orderId)!;
      expect(personOfCustomer.get(o.customerId) ?? person).toBe(person);
      personOfCustomer.set(o.customerId, person);
    }
  });
});
