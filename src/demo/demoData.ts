import type { CrmContactInput } from '../crm/crmContactService';
import type { EventInput } from '../ingest/eventIngestionService';

/**
 * A realistic little population for the demo: customers known to one or two CRMs, with
 * the duplicates real data has (emails in other case and with stray spaces, phones in
 * national and international format), browsing anonymously before they identify, and
 * some visitors who never do. Deterministic for a given seed.
 */
export interface DemoPerson {
  crmContacts: CrmContactInput[];
  /** In the order a browser would send them. */
  events: EventInput[];
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Radia',
  'Tim',
  'Frances',
  'John',
  'Shafi',
  'Leslie',
  'Katherine',
  'Dennis',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Berners-Lee',
  'Allen',
  'McCarthy',
  'Goldwasser',
  'Lamport',
  'Johnson',
  'Ritchie',
];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net'];
const PAGES = ['Home', 'Pricing', 'Docs', 'Blog', 'Checkout'];
const ACTIONS = [
  'Product Viewed',
  'Product Added',
  'Checkout Started',
  'Order Completed',
  'Newsletter Signed Up',
];
const PLANS = ['free', 'pro', 'enterprise'];

/** Mulberry32: a small, well-known seeded PRNG, so the demo data is the same every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateDemoPeople(count: number, seed = 42): DemoPerson[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const start = Date.UTC(2026, 9, 1);
  const people: DemoPerson[] = [specimen()];

  for (let i = 1; i < count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${first}.${last}${i}@${pick(DOMAINS)}`.toLowerCase();
    const local = String(2000000 + Math.floor(rand() * 7999999)).padStart(7, '0');
    const national = `(415) ${local.slice(0, 3)}-${local.slice(3, 7)}`;
    const international = `+1 415 ${local.slice(0, 3)} ${local.slice(3, 7)}`;
    const person: DemoPerson = { crmContacts: [], events: [] };
    const neverIdentifies = rand() < 0.1;

    if (!neverIdentifies) {
      person.crmContacts.push({
        crmId: `sf-${1000 + i}`,
        firstName: first,
        lastName: last,
        emails: [email],
        phones: [national],
        attributes: { plan: pick(PLANS), crm: 'salesforce' },
      });
      if (rand() < 0.3) {
        // The same person in a second CRM, typed differently.
        person.crmContacts.push({
          crmId: `hs-${5000 + i}`,
          firstName: first.toUpperCase(),
          lastName: last,
          emails: [`  ${email.toUpperCase()} `],
          phones: [international],
          attributes: { lifecycleStage: pick(['lead', 'customer']), crm: 'hubspot' },
        });
      }
    }

    const devices = rand() < 0.25 ? 2 : 1;
    for (let d = 0; d < devices; d++) {
      const anonymousId = `anon-${i}-${d}`;
      let at = start + Math.floor(rand() * 45) * 86_400_000;
      const n = 2 + Math.floor(rand() * 6);
      for (let e = 0; e < n; e++) {
        at += Math.floor(rand() * 3_600_000);
        const isPage = rand() < 0.5;
        person.events.push({
          type: isPage ? 'page' : 'track',
          ...(isPage ? { name: pick(PAGES) } : { event: pick(ACTIONS) }),
          anonymousId,
          messageId: `demo-${i}-${d}-${e}`,
          properties: isPage ? {} : { value: Math.round(rand() * 20000) / 100 },
          timestamp: new Date(at),
        });
      }
      if (!neverIdentifies && rand() < 0.7) {
        person.events.push({
          type: 'identify',
          anonymousId,
          userId: `user-${i}`,
          traits: { email: d === 0 ? email : email.toUpperCase(), firstName: first },
          messageId: `demo-${i}-${d}-identify`,
          timestamp: new Date(at + 60_000),
        });
      }
    }
    people.push(person);
  }
  return people;
}

/** The person the README's examples use. */
function specimen(): DemoPerson {
  return {
    crmContacts: [
      {
        crmId: 'sf-0001',
        firstName: 'Some',
        lastName: 'One',
        emails: ['some.one@example.com'],
        phones: ['+1 415 555 0100'],
        attributes: { plan: 'pro', crm: 'salesforce' },
      },
    ],
    events: [
      { type: 'page', name: 'Pricing', anonymousId: 'anon-some-one', messageId: 'demo-some-one-1' },
      {
        type: 'track',
        event: 'Product Viewed',
        anonymousId: 'anon-some-one',
        messageId: 'demo-some-one-2',
        properties: { sku: 'MOS-1' },
      },
      {
        type: 'identify',
        anonymousId: 'anon-some-one',
        userId: 'user-some-one',
        traits: { email: 'Some.One@Example.com' },
        messageId: 'demo-some-one-3',
      },
    ],
  };
}
