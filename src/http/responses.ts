import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../errors';

/** The whole response, as JSON, with its length (no chunked encoding for small answers). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * A refusal given before GraphQL executes (authentication, rate, body, draining), shaped
 * as a GraphQL response so clients read every error the same way.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  code: ErrorCode,
): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/** A short plain-text answer, with its length: what a browser shows as it is (the dashboard's). */
export function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
