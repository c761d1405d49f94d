/**
 * The one set of error codes a client can see (as `extensions.code`). Domain code throws
 * MosaicError with one of these; the GraphQL layer passes them through and masks
 * everything else as an unexpected error.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  SOURCE_UNAVAILABLE: 'SOURCE_UNAVAILABLE',
  CONFLICT: 'CONFLICT',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  RATE_LIMITED: 'RATE_LIMITED',
  /** `MOSAIC_PERSISTED_QUERIES=safelist` and the operation is not in the manifest. */
  PERSISTED_QUERY_NOT_ALLOWED: 'PERSISTED_QUERY_NOT_ALLOWED',
  /** `extensions.persistedQuery.sha256Hash` is not the SHA-256 of the query sent with it. */
  PERSISTED_QUERY_HASH_MISMATCH: 'PERSISTED_QUERY_HASH_MISMATCH',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  /** The gateway is draining after SIGTERM: retry, another replica answers. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class MosaicError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Path of the offending input field, e.g. `input.emails[1]`, when there is one. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MosaicError';
  }
}

export const badInput = (field: string, message: string): MosaicError =>
  new MosaicError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, field);

/**
 * The profile store could not be reached. Part of a write may have landed (a batch cut
 * off half-way is finished by recovery), so the caller retries: writes are idempotent.
 */
export const STORE_UNAVAILABLE_MESSAGE =
  'The profile store is unavailable, so this request was not completed; retry it ' +
  '(re-sending the same records or messageIds never stores anything twice).';
