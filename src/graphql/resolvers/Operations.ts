import type { OperationsReport } from '../../observability/operationsStatus';
import type { BreakerState as Breaker } from '../../sources/circuitBreaker';
import type { GraphQLContext } from '../context';
import type { BreakerState, OperationsStatus, QueryResolvers } from '../generated/resolvers-types';

type OperationsContext = Pick<GraphQLContext, 'operations'>;

/** The breaker's own states ('half-open') as the schema's enum values. */
const BREAKER: Record<Breaker, BreakerState> = {
  closed: 'CLOSED',
  open: 'OPEN',
  'half-open': 'HALF_OPEN',
};

/** The report as the schema shapes it: enum values, and null for a check that has no error. */
function toSchema(report: OperationsReport): OperationsStatus {
  return {
    ready: report.ready,
    checks: report.checks.map(({ name, ok, error }) => ({ name, ok, error: error ?? null })),
    sources: report.sources.map((s) => ({ ...s, breaker: BREAKER[s.breaker] })),
    queues: report.queues,
    at: report.at,
  };
}

export const OperationsQuery: Pick<QueryResolvers<OperationsContext>, 'operationsStatus'> = {
  operationsStatus: async (_, __, { operations }) => toSchema(await operations.report()),
};
