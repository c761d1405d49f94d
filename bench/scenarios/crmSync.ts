import { randomBytes } from 'node:crypto';
import { MongoClient, type Collection } from 'mongodb';
import pg from 'pg';
import { createApp } from '../../src/app';
import type { Config } from '../../src/config/env';
import { createLogger } from '../../src/observability/logger';
import { profiled } from '../lib/cpuProfile';
import { dropSchemaAndKeys } from '../lib/dropScratch';
import { BENCH_AUTHORIZATION } from '../lib/gatewayAuth';
import { intFromEnv } from '../lib/env';
import { combine, runLoad, type LoadResult, type LoadRun } from '../lib/load';
import { round } from '../lib/latency';
import { PeopleGenerator, seededRng, type Person } from '../lib/people';
import type { BenchContext, ReportRow, Scenario, ScenarioReport } from '../lib/scenario';

const NAME = 'crm-sync';
const TARGET_CONTACTS_PER_SECOND = 1_000;
const TARGET_FLAT = 0.8;

/**
 * Issue #22's CRM sync: a CRM pushing its contacts through `upsertCrmContacts`, 100 per
 * call (BENCH_CRM_BATCH), 4 calls in flight (BENCH_CRM_CONCURRENCY), matching on, into an
 * empty store: unique people, a tenth of them (BENCH_CRM_RESENT, 0.1) sent again later
 * under a second CRM id, as a second CRM's copy (a typo or two, the same email). The
 * store fills through the same mutation; what is measured is a window of
 * BENCH_CRM_WINDOW (2,000) contacts ending as the store reaches each of BENCH_CRM_SIZES
 * (10,000 and 100,000): contacts/s, p50/p99 per call, profile-store commands and SQL
 * statements per contact. Flat cost means the same contacts/s at every size: the ratio
 * largest/smallest is the figure to quote. The baseline is the least work that stores
 * the same contacts: a raw `insertMany` of each call's contacts into the store, the same
 * calls and concurrency. No worker runs: training and enrichment jobs queue up in Redis
 * unprocessed, so what is timed is the gateway's write path alone (the worker would take
 * CPU from it on this machine).
 */
export const crmSync: Scenario = { name: NAME, run };

interface Window {
  size: number;
  result: LoadResult;
  contactsPerSecond: number;
  storeCommandsPerContact: number;
  sqlStatementsPerContact: number;
  baseline: LoadResult;
  baselineContactsPerSecond: number;
}

async function run(ctx: BenchContext): Promise<ScenarioReport> {
  const sizes = (process.env.BENCH_CRM_SIZES ?? '10000,100000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
  const batch = intFromEnv('BENCH_CRM_BATCH', 100);
  const concurrency = intFromEnv('BENCH_CRM_CONCURRENCY', 4);
  const window = intFromEnv('BENCH_CRM_WINDOW', 2_000);
  const resent = Number(process.env.BENCH_CRM_RESENT ?? 0.1);
  if (sizes.length === 0 || sizes[0]! < window)
    throw new Error(`BENCH_CRM_SIZES must each be at least BENCH_CRM_WINDOW (${window})`);

  const tag = randomBytes(4).toString('hex');
  const database = `mosaic_bench_crm_${tag}`;
  const schema = `bench_crm_${tag}`;
  const config: Config = {
    ...ctx.config,
    postgres: { ...ctx.config.postgres, schema },
    identity: {
      ...ctx.config.identity,
      matching: { ...ctx.config.identity.matching, enabled: true },
    },
  };
  const app = await createApp(config, createLogger('silent', 'mosaic-bench'), {
    database,
    countStoreCommands: true,
  });
  const mongo = new MongoClient(ctx.config.mongo.uri, { retryWrites: false });
  const statements = countSqlStatements();
  try {
    await mongo.connect();
    const raw = mongo.db(database).collection<RawContact>('bench_raw_contacts');
    const url = `http://127.0.0.1:${await app.gateway.listen(0, '127.0.0.1')}/graphql`;
    const contacts = new ContactStream(seededRng(22), resent);
    const windows: Window[] = [];
    let sent = 0;
    const sync = (count: number): Promise<LoadRun> => {
      const calls = Array.from({ length: Math.ceil(count / batch) }, (_, i) =>
        contacts.take(Math.min(batch, count - i * batch)),
      );
      sent += count;
      let next = 0;
      return runLoad(
        { concurrency, durationMs: 3_600_000, maxOperations: calls.length, timeoutMs: 120_000 },
        (_, signal) => upsertContacts(url, calls[next++]!, signal),
      );
    };
    for (const size of sizes) {
      const fill = size - window - sent;
      if (fill > 0) {
        ctx.progress(`${NAME}: filling the store to ${size - window} contacts`);
        const filled = combine([await sync(fill)]);
        if (filled.errors > 0) throw new Error(`filling failed: ${filled.firstError}`);
      }
      ctx.progress(`${NAME}: ${window} contacts up to ${size} stored`);
      const commandsBefore = app.storeCommands();
      const sqlBefore = statements.count();
      const result = combine([await profiled(`${NAME}-${size}`, () => sync(window))]);
      const storeCommands = app.storeCommands() - commandsBefore;
      const sql = statements.count() - sqlBefore;
      const baseline = combine([await insertRaw(raw, contacts.replay(window, batch), concurrency)]);
      await raw.deleteMany({});
      windows.push({
        size,
        result,
        contactsPerSecond: (result.requests * batch * 1000) / result.elapsedMs,
        storeCommandsPerContact: storeCommands / window,
        sqlStatementsPerContact: sql / window,
        baseline,
        baselineContactsPerSecond: (baseline.requests * batch * 1000) / baseline.elapsedMs,
      });
    }
    return report(windows, { batch, concurrency, window, resent });
  } finally {
    statements.stop();
    await app.close().catch(() => undefined);
    await mongo
      .db(database)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
    await dropSchemaAndKeys(ctx.config, database, schema);
  }
}

function report(
  windows: Window[],
  settings: { batch: number; concurrency: number; window: number; resent: number },
): ScenarioReport {
  const first = windows[0]!;
  const last = windows.at(-1)!;
  const flat = last.contactsPerSecond / first.contactsPerSecond;
  const rows: ReportRow[] = windows.flatMap((w) => [
    { scenario: `${NAME} (${w.size} stored)`, side: 'upsertCrmContacts', result: w.result },
    { scenario: `${NAME} (${w.size} stored)`, side: 'raw insertMany', result: w.baseline },
  ]);
  const notes = windows.map(
    (w) =>
      `${NAME}: at ${w.size} stored, ${round(w.contactsPerSecond, 1)} contacts/s (${round(w.contactsPerSecond / w.baselineContactsPerSecond, 3)}× a raw insertMany's ${round(w.baselineContactsPerSecond, 0)}), p99 ${round(w.result.p99Ms)} ms per call of ${settings.batch}; ${round(w.storeCommandsPerContact, 1)} store commands and ${round(w.sqlStatementsPerContact, 1)} SQL statements per contact`,
  );
  notes.push(
    `${NAME}: ≥ ${TARGET_CONTACTS_PER_SECOND} contacts/s: ${last.contactsPerSecond >= TARGET_CONTACTS_PER_SECOND ? 'met' : 'missed'}; flat (${last.size} vs ${first.size} stored ≥ ${TARGET_FLAT}): ${round(flat, 2)}, ${flat >= TARGET_FLAT ? 'met' : 'missed'}`,
  );
  return {
    rows,
    notes,
    json: {
      ...settings,
      sizes: windows.map((w) => ({
        stored: w.size,
        contactsPerSecond: round(w.contactsPerSecond, 1),
        p50MsPerCall: round(w.result.p50Ms),
        p99MsPerCall: round(w.result.p99Ms),
        storeCommandsPerContact: round(w.storeCommandsPerContact, 2),
        sqlStatementsPerContact: round(w.sqlStatementsPerContact, 2),
        baselineContactsPerSecond: round(w.baselineContactsPerSecond, 1),
        ratio: round(w.contactsPerSecond / w.baselineContactsPerSecond, 4),
      })),
      flat: round(flat, 3),
    },
    valid: windows.every((w) => w.result.errors === 0 && w.baseline.errors === 0),
  };
}

/** A contact as a CRM sends it. */
interface Contact {
  crmId: string;
  firstName: string;
  lastName: string;
  emails: string[];
  birthDate: string;
  address: Person['address'];
  attributes: { nationalId: string };
}

/**
 * The CRM's contacts in the order it sends them: new people, and a share `resent` of
 * earlier people again under a second CRM id, as another CRM typed them.
 */
class ContactStream {
  private readonly people: PeopleGenerator;
  private readonly sentPeople: { person: Person; email: string }[] = [];
  private readonly history: Contact[] = [];
  private serial = 0;

  constructor(
    private readonly rng: () => number,
    private readonly resent: number,
  ) {
    this.people = new PeopleGenerator(rng);
  }

  take(count: number): Contact[] {
    const out: Contact[] = [];
    for (let i = 0; i < count; i++) {
      const n = this.serial++;
      const again = this.sentPeople.length > 0 && this.rng() < this.resent;
      let contact: Contact;
      if (again) {
        const earlier = this.sentPeople[Math.floor(this.rng() * this.sentPeople.length)]!;
        contact = toContact(
          `c${n}-second-crm`,
          this.people.duplicate(earlier.person),
          earlier.email,
        );
      } else {
        const person = this.people.person();
        const email = `${person.firstName}.${person.lastName}.${n}@example.com`;
        this.sentPeople.push({ person, email });
        contact = toContact(`c${n}`, person, email);
      }
      out.push(contact);
    }
    this.history.push(...out);
    return out;
  }

  /** The last `count` contacts taken, in calls of `batch`: the baseline stores the same. */
  replay(count: number, batch: number): Contact[][] {
    const recent = this.history.slice(-count);
    return Array.from({ length: Math.ceil(recent.length / batch) }, (_, i) =>
      recent.slice(i * batch, (i + 1) * batch),
    );
  }
}

function toContact(crmId: string, p: Person, email: string): Contact {
  return {
    crmId,
    firstName: p.firstName,
    lastName: p.lastName,
    emails: [email],
    birthDate: p.birthDate,
    address: p.address,
    attributes: { nationalId: p.nationalId },
  };
}

const MUTATION = `mutation Sync($inputs: [CrmContactInput!]!) {
  upsertCrmContacts(inputs: $inputs) { changed unchanged }
}`;

async function upsertContacts(url: string, inputs: Contact[], signal: AbortSignal): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: BENCH_AUTHORIZATION },
    body: JSON.stringify({ query: MUTATION, variables: { inputs } }),
    signal,
  });
  const body = (await res.json()) as { errors?: { message: string }[] };
  if (!res.ok || body.errors) throw new Error(body.errors?.[0]?.message ?? `HTTP ${res.status}`);
}

type RawContact = Contact & { _id: string; receivedAt: Date };

function insertRaw(
  collection: Collection<RawContact>,
  calls: Contact[][],
  concurrency: number,
): Promise<LoadRun> {
  let next = 0;
  return runLoad(
    { concurrency, durationMs: 3_600_000, maxOperations: calls.length, timeoutMs: 120_000 },
    async () => {
      const call = calls[next++]!;
      await collection.insertMany(
        call.map((c) => ({ ...c, _id: c.crmId, receivedAt: new Date() })),
      );
    },
  );
}

/**
 * Counts SQL statements sent by every PostgreSQL client of this process (the gateway's
 * pools): each `Client#query`, transactions' BEGIN and COMMIT included, as the server
 * sees them.
 */
function countSqlStatements(): { count(): number; stop(): void } {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let count = 0;
  proto.query = function counted(this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  return {
    count: () => count,
    stop: () => {
      proto.query = original;
    },
  };
}
