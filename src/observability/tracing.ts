import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';

/** How a process exports traces; tracing is off unless an endpoint is configured. */
export interface TracingConfig {
  /** OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces); null: off. */
  endpoint: string | null;
  /** Fraction of root traces kept (a caller's sampling decision is followed). */
  sampleRatio: number;
}

export interface Tracing {
  /** Sends what is buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing for this process: spans of the HTTP server and client,
 * MongoDB, PostgreSQL and Redis calls (the drivers' instrumentations), and of each
 * GraphQL operation (`graphql/plugins/tracing.ts`). Off by default: without an endpoint
 * nothing is registered, and the API's no-op tracer costs next to nothing.
 *
 * The instrumentations patch the drivers when they are loaded, so this runs before
 * anything imports them: `main.ts` and `workers/main.ts` load the application afterwards.
 * `exporter` replaces the OTLP exporter (a test's in-memory one; spans are then exported
 * one by one, not batched).
 */
export function startTracing(
  config: TracingConfig,
  serviceName: string,
  exporter?: SpanExporter,
): Tracing | null {
  if (config.endpoint === null && exporter === undefined) return null;
  const processor = exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: config.endpoint ?? undefined }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [processor],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Health checks and scrapes would drown the traces that matter.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)\b/.test(req.url ?? ''),
      }),
      new MongoDBInstrumentation(),
      new PgInstrumentation(),
      // The command's name only: arguments carry values (a gold document, a job's data,
      // a cache key built from a request) that may be personal data.
      new IORedisInstrumentation({
        dbStatementSerializer: (command, args) => `${command} [${args.length} arguments]`,
      }),
    ],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
