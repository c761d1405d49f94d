import { badInput } from '../errors';
import type { EventType } from '../store/models';
import type { EventInput } from './eventIngestionService';
import {
  DEFAULT_EVENT_TIME_BOUNDS,
  assertEventTime,
  assertSentAt,
  type EventTimeBounds,
} from './eventTime';

const TYPES: readonly EventType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias'];

/**
 * Turns Segment HTTP tracking API payloads (https://segment.com/docs/connections/spec/)
 * into events. Unknown fields (`integrations`, `_metadata`, `version` …) are ignored, as
 * Segment does; fields Mosaic uses are checked and named in errors.
 */
export function fromSegmentCall(
  call: unknown,
  field: string,
  options: {
    type?: EventType;
    receivedAt: Date;
    batchSentAt?: unknown;
    /** Checked on the time stored, after the `sentAt` correction (default: the config's). */
    timeBounds?: EventTimeBounds;
  },
): EventInput {
  if (call === null || typeof call !== 'object' || Array.isArray(call))
    throw badInput(field, 'expected a JSON object');
  const c = call as Record<string, unknown>;
  const type = options.type ?? eventType(c.type, `${field}.type`);
  if (options.type !== undefined && c.type !== undefined && c.type !== options.type)
    throw badInput(
      `${field}.type`,
      `${JSON.stringify(c.type)} sent to the /v1/${options.type} endpoint`,
    );

  const timestamp = correctedTimestamp(c, field, options);
  return {
    type,
    messageId: optionalId(c.messageId, `${field}.messageId`),
    event: optionalString(c.event, `${field}.event`),
    // Segment's page calls carry `name` and optionally `category`; both describe the page.
    name: optionalString(c.name, `${field}.name`),
    userId: optionalId(c.userId, `${field}.userId`),
    anonymousId: optionalId(c.anonymousId, `${field}.anonymousId`),
    previousId: optionalId(c.previousId, `${field}.previousId`),
    groupId: optionalId(c.groupId, `${field}.groupId`),
    traits: c.traits ?? undefined,
    properties:
      type === 'page' && typeof c.category === 'string' && isObjectOrAbsent(c.properties)
        ? { category: c.category, ...(c.properties ?? {}) }
        : (c.properties ?? undefined),
    context: c.context ?? undefined,
    timestamp,
  };
}

function eventType(value: unknown, field: string): EventType {
  if (typeof value === 'string' && (TYPES as readonly string[]).includes(value))
    return value as EventType;
  throw badInput(field, `expected one of ${TYPES.join(', ')}, got ${JSON.stringify(value)}`);
}

/** Segment ids are strings, but SDKs send numbers too (`userId: 42`); both mean the same id. */
function optionalId(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return value;
  throw badInput(field, `expected a string, got ${typeof value}`);
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  throw badInput(field, `expected a string, got ${typeof value}`);
}

function isObjectOrAbsent(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value))
  );
}

function parseDate(value: unknown, field: string): Date | null {
  if (value === undefined || value === null) return null;
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime()))
    throw badInput(field, `expected an ISO 8601 date-time, got ${JSON.stringify(value)}`);
  return date;
}

/**
 * Device clocks drift. Like Segment, when the client says when it sent the call
 * (`sentAt`), the event's time is shifted by the difference between that and when the
 * call arrived, so events line up with server time. The bounds are checked on the
 * shifted time: a time in range can be shifted out of it (and one out of range, from a
 * wrong clock, back in).
 */
function correctedTimestamp(
  c: Record<string, unknown>,
  field: string,
  options: { receivedAt: Date; batchSentAt?: unknown; timeBounds?: EventTimeBounds },
): Date | null {
  const now = options.receivedAt.getTime();
  const bounds = options.timeBounds ?? DEFAULT_EVENT_TIME_BOUNDS;
  const timeField = c.timestamp != null ? `${field}.timestamp` : `${field}.originalTimestamp`;
  const timestamp = parseDate(c.timestamp ?? c.originalTimestamp, timeField);
  const sentAtField = c.sentAt != null ? `${field}.sentAt` : 'sentAt';
  const sentAt = parseDate(c.sentAt ?? options.batchSentAt, sentAtField);
  if (sentAt !== null) assertSentAt(sentAt, sentAtField, bounds, now);
  if (timestamp === null) return null;
  if (sentAt === null) {
    assertEventTime(timestamp, timeField, bounds, now);
    return timestamp;
  }
  const shift = now - sentAt.getTime();
  const corrected = new Date(timestamp.getTime() + shift);
  const how = ` (${timestamp.toISOString()} shifted ${shift} ms by sentAt ${sentAt.toISOString()})`;
  assertEventTime(corrected, timeField, bounds, now, how);
  return corrected;
}
