import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import type { FormattedExecutionResult, ExecutionResult } from 'graphql';
import { badInput, MosaicError } from '../errors';
import { mosaicGraphQLError } from '../graphql/errors';
import { assertWellFormedRequest } from '../graphql/plugins/wellFormedInput';

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export interface WsOperationRules {
  schema: GraphQLSchema;
  /** The same validation rules as HTTP (depth, cost, document size, introspection). */
  limits: readonly ValidationRule[];
  parseOptions: ParseOptions;
}

/**
 * graphql-ws runs its own parse and validate, outside Apollo Server: this puts a
 * subscription's payload through what an HTTP request goes through, in the same order
 * (well-formed input, parse with the token limit, validation with every limit), so the two
 * transports refuse the same documents with the same codes.
 */
export function prepareWsOperation(
  rules: WsOperationRules,
  payload: {
    query: string;
    operationName?: string | null;
    variables?: unknown;
    extensions?: unknown;
  },
): { document: DocumentNode } | readonly GraphQLError[] {
  try {
    assertWellFormedRequest(payload);
  } catch (err) {
    if (err instanceof MosaicError) return [mosaicGraphQLError(err)];
    throw err;
  }
  let document: DocumentNode;
  try {
    document = parse(payload.query, rules.parseOptions);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return [withCode(err, 'GRAPHQL_PARSE_FAILED')];
  }
  const errors = validate(rules.schema, document, [...specifiedRules, ...rules.limits]);
  if (errors.length > 0)
    return errors.map((e) =>
      e.originalError instanceof MosaicError ? e : withCode(e, 'GRAPHQL_VALIDATION_FAILED'),
    );
  // Checked here because graphql-js reports these as plain errors, which would reach the
  // client as internal ones (and fill the error log): a client's mistake, as over HTTP.
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation)
    return [
      new GraphQLError(
        payload.operationName
          ? `Unknown operation named "${payload.operationName}".`
          : 'Must provide operation name if query contains multiple operations.',
        { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } },
      ),
    ];
  const variables = payload.variables ?? {};
  if (typeof variables !== 'object' || Array.isArray(variables))
    return [mosaicGraphQLError(badInput('variables', 'expected an object of variable values'))];
  const coerced = getVariableValues(
    rules.schema,
    operation.variableDefinitions ?? [],
    variables as Record<string, unknown>,
    { maxErrors: 20 },
  );
  if (coerced.errors !== undefined) return coerced.errors.map((e) => withCode(e, 'BAD_USER_INPUT'));
  return { document };
}

/** Errors as graphql-ws would send them, shaped by the formatter HTTP uses. */
export const formatWsErrors = (
  formatError: FormatError,
  errors: readonly GraphQLError[],
): GraphQLFormattedError[] => errors.map((e) => formatError(e.toJSON(), e));

/** A result (a subscription event, or an execution's answer) with its errors formatted. */
export function formatWsResult(
  formatError: FormatError,
  result: ExecutionResult,
): FormattedExecutionResult {
  const { errors, ...rest } = result;
  return errors === undefined ? rest : { ...rest, errors: formatWsErrors(formatError, errors) };
}

/** Apollo marks its own parse and validation errors with these codes; graphql-ws does not. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}
