import { isTrackingEndpoint } from './trackingApi';

// The gateway's own paths (the tracking API's are in trackingApi.ts): routing and the
// metrics' route label agree on them.
export const GRAPHQL_PATH = '/graphql';
export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

const KNOWN_ROUTES = new Set([GRAPHQL_PATH, HEALTH_PATH, READY_PATH, METRICS_PATH]);

/** A bounded label for metrics: a known path as it is, any other as `other`. */
export const routeLabel = (path: string): string =>
  KNOWN_ROUTES.has(path) || isTrackingEndpoint(path) ? path : 'other';
