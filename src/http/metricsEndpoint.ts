import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../observability/metrics';
import { serveScrape } from '../observability/metricsEndpoint';
import { sendJson } from './responses';
import { METRICS_PATH, routeLabel } from './routes';

/** `/metrics` on a gateway: 404 when this gateway keeps no metrics, else the guarded scrape. */
export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  options: { metrics: Metrics | null; authEnabled: boolean; metricsKey: string | undefined },
): Promise<void> {
  const { metrics } = options;
  if (metrics === null) return sendJson(res, 404, { error: `No route for ${METRICS_PATH}` });
  await serveScrape(req, res, metrics, {
    authEnabled: options.authEnabled,
    key: options.metricsKey,
  });
}

/** Counts and times a request under its route (a bounded label: unknown paths are `other`). */
export function countRequest(metrics: Metrics, req: IncomingMessage, res: ServerResponse): void {
  const started = process.hrtime.bigint();
  const route = routeLabel((req.url ?? '/').split('?')[0]!);
  res.once('finish', () => {
    metrics.httpRequests.inc({
      route,
      method: req.method ?? 'GET',
      status: String(res.statusCode),
    });
    metrics.httpDuration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
  });
}
