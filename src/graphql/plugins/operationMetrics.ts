import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Metrics } from '../../observability/metrics';

/** Latency per operation and errors per code, for every GraphQL request over HTTP. */
export function operationMetrics(metrics: Metrics): ApolloServerPlugin<BaseContext> {
  return {
    requestDidStart() {
      const started = process.hrtime.bigint();
      return Promise.resolve({
        willSendResponse({ operation, operationName, response }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.operationDuration.observe(
            {
              operation: metrics.operationLabel(operationName),
              type: operation?.operation ?? 'unresolved',
            },
            seconds,
          );
          if (response.body.kind === 'single')
            metrics.countErrors(response.body.singleResult.errors);
          return Promise.resolve();
        },
      });
    },
  };
}
