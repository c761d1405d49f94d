import {
  NoSchemaIntrospectionCustomRule,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config/env';
import { makeFormatError } from '../graphql/errors';
import { documentSizeRule } from '../graphql/limits/documentSize';
import { queryShapeRule } from '../graphql/limits/queryShape';
import { buildSchema } from '../graphql/schema';
import { persistedQueries, type KeyValueCache, type PersistedQueries } from './persistedQueries';

/**
 * What an operation goes through on either transport, built once so that HTTP (Apollo)
 * and graphql-ws refuse the same documents with the same codes and messages.
 */
export interface GraphQLRules {
  schema: GraphQLSchema;
  /** Off by default in production; then suggestions are hidden from error messages too. */
  introspection: boolean;
  /** Checked before anything executes: document size, depth and cost, introspection. */
  limits: ValidationRule[];
  /** Parsing stops at this many tokens: a megabyte of tiny operations costs no more than this. */
  parseOptions: ParseOptions;
  /** One error formatter for both transports: internal errors logged, shown as "Unexpected error.". */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** APQ or the safelist (`MOSAIC_PERSISTED_QUERIES`). */
  persisted: PersistedQueries;
}

export function graphqlRules(
  config: Config['graphql'],
  logger: Logger,
  /** Where APQ registrations are kept, shared by replicas; Apollo's in-memory cache without it. */
  apqCache: KeyValueCache | null,
  /** Store outages are answered STORE_UNAVAILABLE (retry later), not masked as internal. */
  isStoreUnreachable: (err: unknown) => boolean,
): GraphQLRules {
  return {
    schema: buildSchema(),
    introspection: config.introspection,
    limits: [
      documentSizeRule({ maxOperations: config.maxOperations, maxAliases: config.maxAliases }),
      queryShapeRule({ maxDepth: config.maxDepth, maxCost: config.maxCost }),
      ...(config.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ],
    parseOptions: { maxTokens: config.maxTokens },
    formatError: makeFormatError(logger, {
      hideSuggestions: !config.introspection,
      isStoreUnreachable,
    }),
    persisted: persistedQueries(config.persistedQueries, apqCache),
  };
}
