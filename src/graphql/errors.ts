import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, MosaicError, STORE_UNAVAILABLE_MESSAGE } from '../errors';

/** Codes Apollo Server itself assigns to errors that are safe and useful to show. */
const APOLLO_CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * A MosaicError raised outside a resolver (graphql-ws hooks), shaped by makeFormatError
 * like any other: its code, message and field, and `extensions` safe to show.
 */
export const mosaicGraphQLError = (
  error: MosaicError,
  extensions: Record<string, unknown> = {},
): GraphQLError => new GraphQLError(error.message, { originalError: error, extensions });

/** Extensions a MosaicError's GraphQLError may carry to the client besides its code. */
const SHOWN_EXTENSIONS = ['retryAfterSeconds'] as const;

/**
 * Shapes every error a client sees. Our own MosaicErrors keep their message and code
 * (plus the offending `field`); errors from GraphQL validation keep theirs; anything else
 * is a bug or an outage, so it is logged in full and shown only as "Unexpected error."
 */
export function makeFormatError(
  logger: Logger,
  options: {
    /**
     * Introspection off: "Did you mean …?" hints (field names, enum values, argument and
     * type names, in validation and variable errors alike) would spell the schema out.
     */
    hideSuggestions?: boolean;
    /** Whether an error means the store could not be reached (the store says: its driver's errors). */
    isStoreUnreachable?: (err: unknown) => boolean;
  } = {},
) {
  const format = shapeError(logger, options.isStoreUnreachable ?? (() => false));
  if (!options.hideSuggestions) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const shaped = format(formatted, error);
    return { ...shaped, message: withoutSuggestions(shaped.message) };
  };
}

/** `Cannot query field "profil" on type "Query". Did you mean "profile"?` without the hint. */
const withoutSuggestions = (message: string): string =>
  message.replace(/ ?Did you mean [^?]*\?/g, '');

function shapeError(logger: Logger, isStoreUnreachable: (err: unknown) => boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    // Validation rules of ours (query limits) carry a MosaicError inside Apollo's wrapper.
    const original =
      unwrapped instanceof GraphQLError && unwrapped.originalError instanceof MosaicError
        ? unwrapped.originalError
        : unwrapped;
    if (original instanceof MosaicError) {
      const shown = SHOWN_EXTENSIONS.filter((k) => formatted.extensions?.[k] !== undefined);
      return {
        ...formatted,
        message: original.message,
        extensions: {
          code: original.code,
          ...(original.field ? { field: original.field } : {}),
          ...Object.fromEntries(shown.map((k) => [k, formatted.extensions![k]])),
        },
      };
    }
    if (isStoreUnreachable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'store unreachable');
      return {
        message: STORE_UNAVAILABLE_MESSAGE,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.STORE_UNAVAILABLE },
      };
    }
    const code = formatted.extensions?.code;
    if (
      original instanceof GraphQLError &&
      typeof code === 'string' &&
      APOLLO_CLIENT_CODES.has(code)
    ) {
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code },
      };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in GraphQL operation');
    return {
      message: 'Unexpected error.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
