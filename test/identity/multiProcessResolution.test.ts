import { MongoClient } from 'mongodb';
import { postGraphQL, startGatewayProcess, type GatewayProcess } from '../support/gatewayProcess';
import { testConfig, uniqueDatabaseName } from '../support/env';
import { dropPgSchema, pgSchemaFor } from '../support/postgres';
import { dropRedisKeys } from '../support/redis';

/**
 * The same convergence guarantee as concurrentResolution.test.ts, across real gateway
 * processes (`src/main.ts`, as `npm start` runs it) sharing one store: every writer
 * talks GraphQL over HTTP to one of three gateways, in parallel. Each gateway also runs
 * the resolution pipeline, so the three of them share out the partitions of the events.
 */
const GATEWAYS = 3;
// Limits would stop the chain from joining (it gathers many CRM ids); this is about convergence.
const NO_LIMITS =
  'CRM_ID=1000,EMAIL=1000,PHONE=1000,ANONYMOUS_ID=1000,USER_ID=1000,CUSTOMER_ID=1000';
const LINKS = 24;

let gateways: GatewayProcess[] = [];
const database = uniqueDatabaseName('multiprocess');
// Its own schema: the pipelines must apply this file's events only, to this file's store.
const pgSchema = pgSchemaFor(database);
const config = testConfig();
const uri = new URL(config.mongo.uri);
uri.pathname = `/${database}`;

beforeAll(async () => {
  gateways = await Promise.all(
    Array.from({ length: GATEWAYS }, () =>
      startGatewayProcess({
        MONGODB_URI: uri.toString(),
        POSTGRES_SCHEMA: pgSchema,
        MOSAIC_IDENTIFIER_LIMITS: NO_LIMITS,
        // Stated, not left to defaults: the three gateways' pipelines apply this file's events.
        MOSAIC_PIPELINE: 'gateway',
        MOSAIC_PIPELINE_POLL_MS: '20',
      }),
    ),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  const client = await MongoClient.connect(config.mongo.uri);
  if (!process.env.KEEP_DB) await client.db(database).dropDatabase();
  else console.log('KEPT', database);
  await dropRedisKeys(database);
  await client.close();
  if (!process.env.KEEP_DB) await dropPgSchema(pgSchema).catch(() => undefined);
});

// Answered once applied: the links below find the devices' profiles, as they did before
// ingestion became asynchronous.
const TRACK =
  'mutation($e: [EventInput!]!) { trackEvents(events: $e, wait: true) { accepted pending outcomes { applied profileId } } }';
const UPSERT = 'mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }';

it('ends in one profile, with every identifier and trait, when three gateways link a chain in parallel', async () => {
  const gw = (i: number) => gateways[i % GATEWAYS]!.url;
  // Link i joins device-i and device-(i+1) through a CRM contact that carries both their
  // emails; only all links together connect the chain, and they arrive in any order.
  const tracked = await Promise.all(
    Array.from({ length: LINKS + 1 }, (_, i) =>
      postGraphQL<{
        trackEvents: {
          accepted: number;
          pending: number;
          outcomes: { applied: boolean; profileId: string | null }[];
        };
      }>(gw(i), TRACK, {
        e: [
          {
            type: 'IDENTIFY',
            anonymousId: `device-${i}`,
            traits: { email: `person${i}@example.com` },
            messageId: `mp-${i}`,
          },
        ],
      }),
    ),
  );
  for (const r of tracked) {
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data?.trackEvents).toMatchObject({ accepted: 1, pending: 0 });
    expect(r.body.data?.trackEvents.outcomes).toEqual([
      { applied: true, profileId: expect.any(String) as unknown },
    ]);
  }
  const results = await Promise.all(
    Array.from({ length: LINKS }, (_, i) =>
      postGraphQL(gw(i + 1), UPSERT, {
        i: {
          crmId: `mp-link-${i}`,
          emails: [`person${i}@example.com`, `person${i + 1}@example.com`],
          attributes: { [`link${i}`]: i },
        },
      }),
    ),
  );
  for (const r of results) expect(r.body.errors).toBeUndefined();

  const profiles = await Promise.all(
    Array.from({ length: LINKS + 1 }, (_, i) =>
      postGraphQL<{
        profileByIdentifier: {
          id: string;
          identifiers: unknown[];
          traits: Record<string, unknown>;
        };
      }>(
        gw(i + 2),
        'query($v: String!) { profileByIdentifier(kind: ANONYMOUS_ID, value: $v) { id identifiers { kind value } traits } }',
        { v: `device-${i}` },
      ),
    ),
  );
  const ids = new Set(profiles.map((p) => p.body.data?.profileByIdentifier.id));
  expect(ids.size).toBe(1);
  const profile = profiles[0]!.body.data!.profileByIdentifier;
  // LINKS+1 devices, LINKS+1 emails, LINKS CRM ids.
  expect(profile.identifiers).toHaveLength(3 * LINKS + 2);
  for (let i = 0; i < LINKS; i++) expect(profile.traits[`link${i}`]).toBe(i);
}, 120_000);
