import type { IncomingMessage } from 'node:http';
import { ErrorCode, MosaicError } from '../errors';

/**
 * Reads a request body up to `maxBytes`. Refuses early on a declared Content-Length over
 * the limit, and stops reading (instead of buffering) when a chunked body grows past it.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(declared, maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw tooLarge(size, maxBytes);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

const tooLarge = (size: number, max: number) =>
  new MosaicError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `Request body of ${size} bytes or more exceeds the limit of ${max} bytes (MOSAIC_MAX_BODY_BYTES)`,
  );
