import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { postGraphQL, startGatewayProcess } from '../support/gatewayProcess';
import { testConfig, uniqueDatabaseName } from '../support/env';
import { dropPgSchema, pgSchemaFor } from '../support/postgres';
import { dropRedisKeys } from '../support/redis';

/**
 * OpenTelemetry tracing, end to end: a real gateway process (`src/main.ts`) configured
 * with an OTLP endpoint exports, on shutdown at the latest, the spans of a GraphQL
 * request to a collector (here a minimal OTLP/HTTP JSON receiver): the HTTP server span,
 * the operation's span with its phases, and the drivers' spans of the same trace.
 */

interface ExportedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

/** Accepts OTLP/HTTP JSON trace exports and keeps their spans. */
async function startCollector(): Promise<{ url: string; spans: ExportedSpan[]; server: Server }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const payload = JSON.parse(body) as {
        resourceSpans: {
          scopeSpans: {
            spans: (Omit<ExportedSpan, 'attributes'> & {
              attributes?: { key: string; value: Record<string, unknown> }[];
            })[];
          }[];
        }[];
      };
      for (const rs of payload.resourceSpans)
        for (const ss of rs.scopeSpans)
          for (const s of ss.spans)
            spans.push({
              ...s,
              attributes: Object.fromEntries(
                (s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]),
              ),
            });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, spans, server };
}

const database = uniqueDatabaseName('tracing');
const pgSchema = pgSchemaFor(database);
const mongoUri = new URL(testConfig().mongo.uri);
mongoUri.pathname = `/${database}`;

afterAll(async () => {
  const mongo = await MongoClient.connect(testConfig().mongo.uri);
  await mongo.db(database).dropDatabase();
  await mongo.close();
  await dropPgSchema(pgSchema).catch(() => undefined);
  await dropRedisKeys(database).catch(() => undefined);
});

describe('OpenTelemetry tracing', () => {
  it("exports a request's HTTP, GraphQL and driver spans as one trace, without personal data", async () => {
    const collector = await startCollector();
    const gateway = await startGatewayProcess({
      MONGODB_URI: mongoUri.toString(),
      POSTGRES_SCHEMA: pgSchema,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.url,
    });
    try {
      const email = 'traced.person@example.com';
      const written = await postGraphQL(
        gateway.url,
        'mutation WriteContact($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }',
        { i: { crmId: 'trace-1', emails: [email], firstName: 'Traced' } },
      );
      expect(written.body.errors).toBeUndefined();
      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await gateway.stop()).toBe(0); // shutdown flushes the batched spans
      collector.server.close();
    }

    const operation = collector.spans.find((s) => s.name === 'mutation WriteContact');
    expect(operation?.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'graphql.operation.name': 'WriteContact',
    });
    const trace = collector.spans.filter((s) => s.traceId === operation!.traceId);
    const names = trace.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.execute']));
    const phases = trace.filter((s) => s.name.startsWith('graphql.'));
    for (const phase of phases) expect(phase.parentSpanId).toBe(operation!.spanId);
    // The HTTP server span is the root; the drivers' spans belong to the same trace.
    const root = trace.find((s) => !s.parentSpanId);
    expect(root?.name).toMatch(/^POST/);
    expect(operation!.parentSpanId).toBe(root!.spanId);
    const databases = new Set(
      trace.map((s) => s.attributes['db.system'] ?? s.attributes['db.system.name']),
    );
    expect([...databases]).toEqual(expect.arrayContaining(['mongodb', 'postgresql', 'redis']));
    // Health checks are not traced; the contact's email appears in no span.
    expect(JSON.stringify(collector.spans)).not.toContain('traced.person');
    expect(JSON.stringify(collector.spans)).not.toContain('readyz');
  }, 90_000);
});
