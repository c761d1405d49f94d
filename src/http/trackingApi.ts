import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, MosaicError, STORE_UNAVAILABLE_MESSAGE, badInput } from '../errors';
import { BacklogFullError } from '../ingest/eventIntake';
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
 * so Segment SDKs pointed at Mosaic work unchanged. A call is answered 200 once every
 * event in it is durably accepted (profiles are updated behind it, by the pipeline); with
 * `?sync=1`, once every event is applied too, or 202 when the wait timed out. A retry of
 * the same messageIds changes nothing, so clients may retry anything that did not get a
 * 200 or 202; a 429 or 503 carries `Retry-After`, which Segment SDKs honour.
 */
/** What the tracking API uses: the limits it applies, ingestion, and the store's outage test. */
export type TrackingServices = Pick<Services, 'config' | 'intake' | 'store'>;

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
    const wait = new URL(req.url ?? '/', 'http://x').searchParams.get('sync') === '1';
    const result = await services.intake.accept(events, {
      field: endpoint === 'batch' ? 'batch' : 'body',
      wait,
    });
    send(res, wait && result.pending > 0 ? 202 : 200, {
      success: true,
      accepted: result.accepted,
      duplicates: result.duplicates,
      ...(wait ? { pending: result.pending } : {}),
    });
  } catch (err) {
    if (!refuse(err, res, services, send)) throw err;
  }
}

/**
 * Answers a call that was not accepted, in the statuses Segment SDKs act on: 400 (never
 * retried), 429 and 503 with `Retry-After` (retried after it). False: an unexpected error.
 */
function refuse(
  err: unknown,
  res: ServerResponse,
  services: TrackingServices,
  send: Send,
): boolean {
  if (err instanceof BacklogFullError) {
    res.setHeader('Retry-After', String(err.retryAfterSeconds));
    send(res, 429, { success: false, code: err.code, message: err.message });
    return true;
  }
  if (err instanceof MosaicError && err.code === ErrorCode.BAD_USER_INPUT) {
    send(res, 400, { success: false, message: err.message, field: err.field });
    return true;
  }
  const unavailable = err instanceof MosaicError && err.code === ErrorCode.STORE_UNAVAILABLE;
  if (unavailable || services.store.isUnreachable(err)) {
    res.setHeader('Retry-After', '5');
    send(res, 503, {
      success: false,
      code: ErrorCode.STORE_UNAVAILABLE,
      message: unavailable ? err.message : STORE_UNAVAILABLE_MESSAGE,
    });
    return true;
  }
  return false;
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
