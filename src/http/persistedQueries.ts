import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HeaderMap, type ApolloServerPlugin, type PersistedQueryOptions } from '@apollo/server';
import { GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { z } from 'zod';
import { ErrorCode, MosaicError } from '../errors';
import { mosaicGraphQLError } from '../graphql/errors';

/**
 * Persisted queries, `MOSAIC_PERSISTED_QUERIES`:
 *
 * - `apq` (default): Apollo's Automatic Persisted Queries. A client sends
 *   `extensions.persistedQuery { version: 1, sha256Hash }`, with the query the first time
 *   (Apollo checks the hash and registers it) and the hash alone after that. The
 *   hash → query map lives in Redis (`store/redis/redisKeyValueCache.ts`), so every
 *   replica finds what one registered. Queries from the cache are parsed and validated like any other,
 *   depth and cost limits included.
 * - `safelist`: only the operations of an Apollo persisted query manifest
 *   (`MOSAIC_PERSISTED_QUERY_MANIFEST`, read and checked at start by {@link readManifest})
 *   run, sent by id alone or as a full query whose SHA-256 is listed; anything else is
 *   refused with `400 PERSISTED_QUERY_NOT_ALLOWED` before it is parsed. Over graphql-ws,
 *   where a subscribe message always carries its text, that text must be listed.
 * - `off`: no persisted queries; a hash-only request gets Apollo's
 *   `PERSISTED_QUERY_NOT_SUPPORTED`.
 */
export type PersistedQueriesConfig =
  | { mode: 'apq' }
  | { mode: 'safelist'; manifestPath: string; operations: ReadonlyMap<string, PersistedOperation> }
  | { mode: 'off' };

/** One entry of an Apollo persisted query manifest. */
export interface PersistedOperation {
  /** SHA-256 of `body`, lower-case hex: what a client sends as `sha256Hash`. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** Registered queries are kept this long after registration (a client whose hash expired re-sends its query). */
export const APQ_TTL_SECONDS = 24 * 3600;

/** What Apollo Server keeps persisted queries in (`@apollo/utils.keyvaluecache`). */
export type KeyValueCache = NonNullable<PersistedQueryOptions['cache']>;

export const sha256Hex = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The manifest as Apollo's persisted-query cache: a hash-only request finds its body here.
 * Read-only; registering is a no-op, since only listed operations get this far.
 */
class ManifestCache implements KeyValueCache {
  constructor(private readonly operations: ReadonlyMap<string, PersistedOperation>) {}

  get(key: string): Promise<string | undefined> {
    // Apollo prefixes the key (`apq:<hash>`); a hash has no colon.
    return Promise.resolve(this.operations.get(key.slice(key.lastIndexOf(':') + 1))?.body);
  }

  set(): Promise<void> {
    return Promise.resolve();
  }

  delete(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z
    .array(
      z.object({
        id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256'),
        name: z.string(),
        type: z.enum(['query', 'mutation', 'subscription']),
        body: z.string().min(1),
      }),
    )
    .min(1, 'lists no operations (a safelist that allows nothing)'),
});

/**
 * Reads and checks an Apollo persisted query manifest
 * (`{"format":"apollo-persisted-query-manifest","version":1,"operations":[…]}`): each
 * `id` must be the SHA-256 of its `body`, ids unique, each body a GraphQL document whose
 * operation has the declared `type`. Returns every problem found, each naming where.
 */
export function readManifest(
  path: string,
): { operations: Map<string, PersistedOperation> } | { problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { problems: [`cannot read the manifest: ${messageOf(err)}`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { problems: [`the manifest is not JSON: ${messageOf(err)}`] };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    return {
      problems: parsed.error.issues.map(
        (issue) => `${issue.path.length ? issue.path.join('.') : 'manifest'}: ${issue.message}`,
      ),
    };
  const problems: string[] = [];
  const operations = new Map<string, PersistedOperation>();
  parsed.data.operations.forEach((op, i) => {
    const where = `operations.${i} (${op.name || 'unnamed'})`;
    const expected = sha256Hex(op.body);
    if (op.id !== expected) {
      problems.push(`${where}: id must be the SHA-256 of its body, ${expected}, but is ${op.id}`);
      return;
    }
    if (operations.has(op.id)) {
      problems.push(`${where}: the same body as an earlier operation (id ${op.id})`);
      return;
    }
    let definitions: OperationDefinitionNode[];
    try {
      definitions = parse(op.body).definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
    } catch (err) {
      problems.push(`${where}: body is not a GraphQL document: ${messageOf(err)}`);
      return;
    }
    const declared =
      definitions.length === 1
        ? definitions[0]
        : definitions.find((d) => d.name?.value === op.name);
    if (!declared) {
      problems.push(`${where}: body has no operation named "${op.name}"`);
      return;
    }
    if (String(declared.operation) !== op.type) {
      problems.push(
        `${where}: type is ${op.type}, but the body's operation is a ${declared.operation}`,
      );
      return;
    }
    operations.set(op.id, op);
  });
  return problems.length > 0 ? { problems } : { operations };
}

export interface PersistedQueries {
  /** Apollo Server's `persistedQueries` option. */
  apollo: PersistedQueryOptions | false;
  plugins: ApolloServerPlugin[];
  /**
   * Checks an HTTP GraphQL request (method, parsed body, search string) before Apollo
   * parses it; returns the refusal (answered with 400), or null to go on. Mirrors how
   * Apollo Server reads `query` and `extensions` from GET and POST requests.
   */
  screen(method: string, body: unknown, search: string): MosaicError | null;
  /** The same for a graphql-ws subscribe message: the error to answer it with, or null. */
  screenSubscription(query: string): GraphQLError | null;
}

/** Wires the configured mode; `apqCache` holds APQ registrations (Apollo's in-memory cache when null). */
export function persistedQueries(
  config: PersistedQueriesConfig,
  apqCache: KeyValueCache | null,
): PersistedQueries {
  switch (config.mode) {
    case 'off':
      return { apollo: false, plugins: [], screen: () => null, screenSubscription: () => null };
    case 'apq':
      return {
        apollo: apqCache ? { cache: apqCache, ttl: APQ_TTL_SECONDS } : { ttl: APQ_TTL_SECONDS },
        plugins: [],
        screen: (method, body, search) => {
          const request = requestOf(method, body, search);
          return request === null ? null : checkHash(request);
        },
        screenSubscription: () => null,
      };
    case 'safelist': {
      const { operations } = config;
      const notAllowed = () =>
        new MosaicError(
          ErrorCode.PERSISTED_QUERY_NOT_ALLOWED,
          'Only operations listed in the persisted query manifest may run: send a listed ' +
            'extensions.persistedQuery.sha256Hash, or a query whose SHA-256 is listed',
        );
      return {
        apollo: { cache: new ManifestCache(operations), ttl: null },
        // A second check on what Apollo actually resolved (`queryHash` is the SHA-256 of
        // the source it will execute), in case a request reaches Apollo another way.
        plugins: [
          {
            requestDidStart: () =>
              Promise.resolve({
                didResolveOperation: ({ queryHash }) => {
                  if (operations.has(queryHash)) return Promise.resolve();
                  const refusal = notAllowed();
                  return Promise.reject(
                    new GraphQLError(refusal.message, {
                      originalError: refusal,
                      extensions: {
                        code: refusal.code,
                        http: { status: 400, headers: new HeaderMap() },
                      },
                    }),
                  );
                },
              }),
          },
        ],
        screen: (method, body, search) => {
          const request = requestOf(method, body, search);
          if (request === null) return notAllowed();
          const mismatch = checkHash(request);
          if (mismatch) return mismatch;
          const listed =
            typeof request.query === 'string'
              ? operations.has(sha256Hex(request.query))
              : typeof request.persisted?.hash === 'string' &&
                operations.has(request.persisted.hash);
          return listed ? null : notAllowed();
        },
        screenSubscription: (query) =>
          operations.has(sha256Hex(query))
            ? null
            : mosaicGraphQLError(
                new MosaicError(
                  ErrorCode.PERSISTED_QUERY_NOT_ALLOWED,
                  'Only subscriptions listed in the persisted query manifest may run, sent as ' +
                    'their full text',
                ),
              ),
      };
    }
    default:
      throw new Error(`unknown persisted query mode ${(config as { mode: string }).mode}`);
  }
}

interface PersistedRequest {
  query: string | undefined;
  /** Present when the request has `extensions.persistedQuery`. */
  persisted: { version: unknown; hash: unknown } | undefined;
}

/**
 * `query` and `extensions.persistedQuery` as Apollo Server reads them: from a POST body's
 * JSON object, or from GET search parameters given once. Null for anything Apollo refuses
 * anyway (no object, repeated parameters, unreadable `extensions`).
 */
function requestOf(method: string, body: unknown, search: string): PersistedRequest | null {
  let query: unknown;
  let extensions: unknown;
  if (method === 'POST') {
    if (!isRecord(body)) return null;
    query = body.query;
    extensions = body.extensions;
  } else if (method === 'GET') {
    const params = new URLSearchParams(search);
    const queries = params.getAll('query');
    const extensionParams = params.getAll('extensions');
    if (queries.length > 1 || extensionParams.length > 1) return null;
    query = queries[0];
    if (extensionParams[0] !== undefined) {
      try {
        extensions = JSON.parse(extensionParams[0]) as unknown;
      } catch {
        return null;
      }
    }
  } else {
    return null;
  }
  if (query !== undefined && query !== null && typeof query !== 'string') return null;
  const persistedQuery = isRecord(extensions) ? extensions.persistedQuery : undefined;
  // Apollo takes any truthy `persistedQuery` as a persisted query request.
  const persisted = !persistedQuery
    ? undefined
    : isRecord(persistedQuery)
      ? { version: persistedQuery.version, hash: persistedQuery.sha256Hash }
      : { version: undefined, hash: undefined };
  return { query: query ?? undefined, persisted };
}

/**
 * Apollo refuses a wrong version or a hash that does not match the query too, but with
 * no error code (it would reach the client as an unexpected error): say what is wrong.
 */
function checkHash(request: PersistedRequest): MosaicError | null {
  const { persisted, query } = request;
  if (persisted === undefined) return null;
  if (persisted.version !== 1)
    return new MosaicError(
      ErrorCode.BAD_USER_INPUT,
      `extensions.persistedQuery.version: only version 1 is supported, got ${JSON.stringify(persisted.version) ?? 'nothing'}`,
      'extensions.persistedQuery.version',
    );
  if (typeof persisted.hash !== 'string')
    return new MosaicError(
      ErrorCode.BAD_USER_INPUT,
      'extensions.persistedQuery.sha256Hash: must be the hex SHA-256 of the query',
      'extensions.persistedQuery.sha256Hash',
    );
  if (query === undefined) return null;
  const actual = sha256Hex(query);
  return actual === persisted.hash
    ? null
    : new MosaicError(
        ErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
        `extensions.persistedQuery.sha256Hash is ${persisted.hash}, but the query's SHA-256 is ${actual}`,
      );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// Not `instanceof Error`: errors from Node's fs may come from another realm (jest's sandbox).
const messageOf = (err: unknown): string =>
  isRecord(err) && typeof err.message === 'string' ? err.message : String(err);
