import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAuthorization } from '../auth/credentials';
import { sameSecret } from '../auth/secrets';
import type { Metrics } from '../observability/metrics';
import { sendJson } from './responses';
import { METRICS_PATH, routeLabel } from './routes';

/**
 * Prometheus text, for a scraper holding MOSAIC_METRICS_KEY (open when authentication is
 * off, in development). Labels hold no personal data, but traffic shapes are still the
 * operator's business.
 */
export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  options: { metrics: Metrics | null; authEnabled: boolean; metricsKey: string | undefined },
): Promise<void> {
  const { metrics, metricsKey: key } = options;
  if (metrics === null) return sendJson(res, 404, { error: `No route for ${METRICS_PATH}` });
  if (options.authEnabled) {
    const presented = parseAuthorization(req.headers.authorization)?.bearer ?? null;
    if (key === undefined || presented === null || !sameSecret(presented, key)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendJson(res, 401, {
        error:
          key === undefined
            ? 'Metrics are closed: set MOSAIC_METRICS_KEY and scrape with "Authorization: Bearer <key>"'
            : 'Metrics need "Authorization: Bearer <MOSAIC_METRICS_KEY>"',
      });
    }
  }
  const { contentType, body } = await metrics.text();
  res.statusCode = 200;
  res.setHeader('Content-Type', contentType);
  res.end(body);
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
