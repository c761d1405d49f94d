import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors';
import { sendError } from './responses';
import { withTimeout } from './withTimeout';

/** What else holds connections or work, closed in this order once HTTP has drained. */
export interface StopSteps {
  /** Subscriptions: closed while the listener closes, before the last sockets are cut. */
  closeSubscriptions(): Promise<void>;
  /** Last, when no request can reach it any more (Apollo). */
  afterClose(): Promise<void>;
}

/**
 * Listening, the requests in flight, and the graceful stop: once stopping, the gateway
 * drains (readiness says 503, new work is refused with 503 SHUTTING_DOWN) while the
 * requests in flight finish, up to the shutdown timeout.
 */
export class Lifecycle {
  private inFlight = 0;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  constructor(
    private readonly server: Server,
    private readonly options: { shutdownTimeoutMs: number; logger: Logger },
  ) {}

  get draining(): boolean {
    return this.stopping;
  }

  /** Serves one request, counted so that `stop` waits for it. */
  track(serve: () => Promise<void>): void {
    this.inFlight++;
    void serve().finally(() => {
      this.inFlight--;
      if (this.inFlight === 0 && this.drained) this.drained();
    });
  }

  /** Resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    const { server } = this;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Idempotent: every call waits for the one stop. */
  stop(steps: StopSteps): Promise<void> {
    this.stopped ??= this.stopGracefully(steps);
    return this.stopped;
  }

  private async stopGracefully(steps: StopSteps): Promise<void> {
    const { server } = this;
    this.stopping = true;
    // The listener stays open while requests drain, so /readyz can answer 503 meanwhile.
    server.closeIdleConnections();
    if (this.inFlight > 0) await this.drain();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await steps.closeSubscriptions();
    server.closeAllConnections();
    await closed;
    await steps.afterClose();
  }

  private drain(): Promise<void> {
    const { shutdownTimeoutMs, logger } = this.options;
    return withTimeout(
      new Promise<void>((resolve) => (this.drained = resolve)),
      shutdownTimeoutMs,
      'in-flight requests did not finish',
    ).catch((err: unknown) =>
      logger.warn(
        { err, inFlight: this.inFlight },
        'shutdown timeout: closing remaining connections',
      ),
    );
  }
}

/** New work while draining: 503 for the client to retry elsewhere, never half-done. */
export function refuseWhileDraining(res: ServerResponse): void {
  res.setHeader('Retry-After', '1');
  sendError(
    res,
    503,
    'This gateway is shutting down; retry the request (another replica answers)',
    ErrorCode.SHUTTING_DOWN,
  );
}
