import { createHmac } from 'node:crypto';
import type { SegmentDefinitions } from '../segments/segmentDefinitions';
import type { AlertWebhookPayload, WebhookPayload } from '../segments/segmentModels';

export interface WebhookJob {
  segmentId: string;
  webhookId: string;
  payload: WebhookPayload | AlertWebhookPayload;
}

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: receivers recompute it with the
 * shared secret, and reject old timestamps to stop replays.
 */
export function signature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/**
 * Delivers one membership change to one webhook. Throws on anything but a 2xx, so BullMQ
 * retries it with backoff: delivery is at least once, and every attempt carries the same
 * `Idempotency-Key` (the change's id) for the receiver to drop repeats.
 */
export class WebhookDelivery {
  delivered = 0;

  constructor(
    private readonly segments: SegmentDefinitions,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async deliver(job: WebhookJob): Promise<'delivered' | 'webhook removed'> {
    const segment = await this.segments.get(job.segmentId);
    const webhook = segment?.webhooks?.find((w) => w.id === job.webhookId);
    if (webhook === undefined) return 'webhook removed';
    const body = JSON.stringify(job.payload);
    const res = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mosaic-Webhooks/1',
        'idempotency-key': job.payload.id,
        'x-mosaic-event': job.payload.type,
        'x-mosaic-signature': signature(webhook.secret, body, this.now()),
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (res.status < 200 || res.status >= 300)
      throw new Error(`webhook ${webhook.url} answered ${res.status}; will retry`);
    this.delivered++;
    return 'delivered';
  }
}
