import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sameSecret } from '../auth/secrets';
import { parseAuthorization } from '../auth/credentials';
import { sendJson } from '../http/responses';
import type { ProcessMetrics } from './metrics';

/** Who may scrape: anyone when authentication is off (development), else the key's holder. */
export interface MetricsAccess {
  authEnabled: boolean;
  /** MOSAIC_METRICS_KEY; unset with authentication on: metrics are closed. */
  key: string | undefined;
}

/**
 * Answers a scrape of `/metrics`: Prometheus text for a scraper holding the metrics key
 * (`Authorization: Bearer <key>`), 401 otherwise. Labels hold no personal data, but
 * traffic shapes and queue depths are still the operator's business. Shared by the
 * gateway's router and the worker's metrics server, so both are guarded alike.
 */
export async function serveScrape(
  req: IncomingMessage,
  res: ServerResponse,
  metrics: ProcessMetrics,
  access: MetricsAccess,
): Promise<void> {
  if (access.authEnabled) {
    const presented = parseAuthorization(req.headers.authorization)?.bearer ?? null;
    if (access.key === undefined || presented === null || !sameSecret(presented, access.key)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendJson(res, 401, {
        error:
          access.key === undefined
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

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A process without a gateway (a worker) serves its metrics on a port of its own: only
 * `GET /metrics`, guarded as the gateway's is. Port 0 picks a free one (tests).
 */
export async function listenForScrapes(
  metrics: ProcessMetrics,
  access: MetricsAccess,
  address: { port: number; host: string },
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return sendJson(res, 404, { error: `No route for ${path}` });
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return sendJson(res, 405, { error: 'Metrics are read with GET' });
    }
    serveScrape(req, res, metrics, access).catch(() =>
      res.headersSent ? res.end() : sendJson(res, 500, { error: 'Scrape failed' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
