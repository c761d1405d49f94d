import type { ApolloServerPlugin } from '@apollo/server';
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { GraphQLContext } from '../context';

const tracer = trace.getTracer('mosaic-graphql');

/**
 * A span per GraphQL operation over HTTP, named `<type> <operationName>` as OpenTelemetry's
 * GraphQL conventions say, with its parse, validate and execute phases as children; the
 * drivers' spans of the same request sit beside them under the HTTP server span. Only
 * the operation's name and type are recorded, never the document or variables: either
 * may hold personal data. A no-op while tracing is off (`observability/tracing.ts`).
 */
export function operationTracing(): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart() {
      const request = tracer.startSpan('graphql');
      const within = trace.setSpan(context.active(), request);
      const phase = (name: string) => {
        const span = tracer.startSpan(name, {}, within);
        return (err?: unknown) => Promise.resolve(endPhase(span, err));
      };
      return Promise.resolve({
        parsingDidStart: () => Promise.resolve(phase('graphql.parse')),
        validationDidStart: () => {
          const end = phase('graphql.validate');
          return Promise.resolve((errors?: readonly Error[]) => end(errors?.[0]));
        },
        didResolveOperation({ operation, operationName }) {
          if (!operation) return Promise.resolve();
          request.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) request.setAttribute('graphql.operation.name', operationName);
          request.updateName(`${operation.operation} ${operationName ?? ''}`.trim());
          return Promise.resolve();
        },
        executionDidStart() {
          const end = phase('graphql.execute');
          return Promise.resolve({ executionDidEnd: (err?: Error) => end(err) });
        },
        didEncounterErrors({ errors }) {
          const codes = errors.map((e) => e.extensions?.code).filter((c) => typeof c === 'string');
          request.setStatus({ code: SpanStatusCode.ERROR, message: codes[0] ?? 'error' });
          request.setAttribute('graphql.error.codes', [...new Set(codes)]);
          return Promise.resolve();
        },
        willSendResponse() {
          request.end();
          return Promise.resolve();
        },
      });
    },
  };
}

function endPhase(span: Span, err: unknown): void {
  if (err !== undefined && err !== null)
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: err instanceof Error ? err.name : 'error',
    });
  span.end();
}
