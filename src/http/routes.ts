import { isTrackingEndpoint } from './trackingApi';

// The gateway's own paths (the tracking API's are in trackingApi.ts): routing and the
// metrics' route label agree on them.
export const GRAPHQL_PATH = '/graphql';
export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';
/** The dashboard's single-page app: its files and client-side routes are all under it. */
export const DASHBOARD_PATH = '/dashboard';

const KNOWN_ROUTES = new Set([GRAPHQL_PATH, HEALTH_PATH, READY_PATH, METRICS_PATH]);

/** `/dashboard` itself or anything under it (not `/dashboardx`). */
export const isDashboardPath = (path: string): boolean =>
  path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`);

/**
 * A bounded label for metrics: a known path as it is, every dashboard path as `/dashboard`
 * (its hashed asset names and client-side routes are unbounded), any other as `other`.
 */
export const routeLabel = (path: string): string => {
  if (isDashboardPath(path)) return DASHBOARD_PATH;
  return KNOWN_ROUTES.has(path) || isTrackingEndpoint(path) ? path : 'other';
};
