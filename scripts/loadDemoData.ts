// Loads the demo population into a running gateway through its public GraphQL API, the way
// a CRM and a website would: `tsx scripts/loadDemoData.ts <graphql-url> [customers]`.
import { generateDemoPeople, type DemoPerson } from '../src/demo/demoData';

const url = process.argv[2] ?? 'http://127.0.0.1:4000/graphql';
const count = Number(process.argv[3] ?? process.env.DEMO_CUSTOMERS ?? 150);
const CONCURRENCY = 4;

const UPSERT = 'mutation($input: CrmContactInput!) { upsertCrmContact(input: $input) { id } }';
const TRACK =
  'mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted duplicates } }';
const GRAPHQL_TYPE = {
  identify: 'IDENTIFY',
  track: 'TRACK',
  page: 'PAGE',
  screen: 'SCREEN',
  group: 'GROUP',
  alias: 'ALIAS',
};

async function call(query: string, variables: Record<string, unknown>): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: { message: string }[] };
  if (!res.ok || body.errors) throw new Error(`${res.status}: ${JSON.stringify(body.errors)}`);
}

async function load(person: DemoPerson): Promise<void> {
  for (const input of person.crmContacts) await call(UPSERT, { input });
  if (person.events.length > 0) {
    await call(TRACK, { events: person.events.map((e) => ({ ...e, type: GRAPHQL_TYPE[e.type] })) });
  }
}

async function main(): Promise<void> {
  const people = generateDemoPeople(count);
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < people.length) await load(people[next++]!);
    }),
  );
  const contacts = people.reduce((n, p) => n + p.crmContacts.length, 0);
  const events = people.reduce((n, p) => n + p.events.length, 0);
  console.log(
    `[demo] loaded ${people.length} people: ${contacts} CRM contacts, ${events} events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((err: unknown) => {
  console.error('[demo] loading failed:', err);
  process.exit(1);
});
