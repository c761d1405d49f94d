import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, MosaicError, STORE_UNAVAILABLE_MESSAGE, badInput } from '../errors';
import { fromSegmentCall } from '../ingest/segmentPayload';
import type { Services } from '../services';
import type { EventType } from '../store/models';
import { assertWellFormedInput } from '../validation/wellFormed';
import { sameSecret } from '../auth/secrets';
import { readBody } from './readBody';

export const TRACKING_PREFIX = '/v1/';
const SINGLE_CALLS: readonly EventType[] = [
  'identify',
  'track',
  'page',
  'screen',
  'group',
  'alias',
];

/** Whether `path` is one of the tracking endpoints (a bounded label for metrics). */
export const isTrackingEndpoint = (path: string): boolean =>
  path.startsWith(TRACKING_PREFIX) &&
  ['batch', ...SINGLE_CALLS].includes(path.slice(TRACKING_PREFIX.length));

type Send = (res: ServerResponse, status: number, body: unknown) => void;

/**
 * The Segment HTTP tracking API (`POST /v1/identify|track|page|screen|group|alias|batch`),
 * so Segment SDKs pointed at Mosaic work unchanged. A call is answered 200 only once
 * every event in it is stored and resolved; a retry of the same messageIds changes
 * nothing, so clients may retry anything that did not get a 200.
 */
/** What the tracking API uses: the limits it applies, ingestion, and the store's outage test. */
export type TrackingServices = Pick<Services, 'config' | 'events' | 'store'>;

export async function serveTrackingApi(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  services: TrackingServices,
  send: Send,
): Promise<void> {
  const endpoint = path.slice(TRACKING_PREFIX.length);
  if (!isTrackingEndpoint(path))
    return send(res, 404, { success: false, message: `No tracking endpoint ${path}` });
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return send(res, 405, { success: false, message: `${path} accepts POST only` });
  }

  let body: Record<string, unknown>;
  try {
    const raw = await readBody(req, services.config.http.maxBodyBytes);
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw badInput('body', 'expected a JSON object');
    body = parsed as Record<string, unknown>;
  } catch (err) {
    if (err instanceof MosaicError && err.code === ErrorCode.PAYLOAD_TOO_LARGE) {
      res.setHeader('Connection', 'close');
      return send(res, 413, { success: false, message: err.message });
    }
    const message = err instanceof MosaicError ? err.message : 'Request body is not valid JSON';
    return send(res, 400, { success: false, message });
  }

  const auth = authenticate(req, body, services.config.auth.writeKey);
  if (auth !== null) {
    res.setHeader('WWW-Authenticate', 'Basic realm="Mosaic tracking API"');
    return send(res, 401, { success: false, message: auth });
  }

  try {
    // Every string of the call, before any is read: see validation/wellFormed.ts.
    assertWellFormedInput(body, '');
    const receivedAt = new Date();
    const timeBounds = services.config.ingest.eventTime;
    let events;
    if (endpoint === 'batch') {
      if (!Array.isArray(body.batch)) throw badInput('batch', 'expected an array of calls');
      events = body.batch.map((call, i) =>
        fromSegmentCall(mergeBatchDefaults(call, body), `batch[${i}]`, {
          receivedAt,
          batchSentAt: body.sentAt,
          timeBounds,
        }),
      );
    } else {
      events = [
        fromSegmentCall(body, 'body', { type: endpoint as EventType, receivedAt, timeBounds }),
      ];
    }
    await services.events.ingest(events, endpoint === 'batch' ? 'batch' : 'body');
    send(res, 200, { success: true });
  } catch (err) {
    if (err instanceof MosaicError && err.code === ErrorCode.BAD_USER_INPUT)
      return send(res, 400, { success: false, message: err.message, field: err.field });
    if (services.store.isUnreachable(err)) {
      res.setHeader('Retry-After', '5');
      return send(res, 503, {
        success: false,
        code: ErrorCode.STORE_UNAVAILABLE,
        message: STORE_UNAVAILABLE_MESSAGE,
      });
    }
    throw err;
  }
}

/** Segment lets a batch carry `context` and `integrations` shared by its calls. */
function mergeBatchDefaults(call: unknown, body: Record<string, unknown>): unknown {
  if (
    call === null ||
    typeof call !== 'object' ||
    Array.isArray(call) ||
    body.context === undefined
  )
    return call;
  const c = call as Record<string, unknown>;
  if (c.context !== undefined) return call;
  return { ...c, context: body.context };
}

/** Returns why the request is not authenticated, or null when it is. */
function authenticate(
  req: IncomingMessage,
  body: Record<string, unknown>,
  writeKey: string | undefined,
): string | null {
  if (writeKey === undefined)
    return 'The tracking API is disabled: no write key is configured (MOSAIC_WRITE_KEY).';
  const header = req.headers.authorization;
  let presented: string | null = null;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    presented = decoded.endsWith(':') ? decoded.slice(0, -1) : decoded.split(':')[0]!;
  } else if (typeof body.writeKey === 'string') {
    presented = body.writeKey;
  }
  if (presented === null)
    return 'Missing write key: send it as HTTP Basic auth user name (`<writeKey>:`).';
  return sameSecret(presented, writeKey) ? null : 'Invalid write key.';
}
