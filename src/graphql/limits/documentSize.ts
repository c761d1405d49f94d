import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { ErrorCode, MosaicError } from '../../errors';

export interface DocumentLimits {
  /** Most operations one document may define. */
  maxOperations: number;
  /** Most aliased fields in the whole document (fragments included). */
  maxAliases: number;
}

/**
 * Bounds what a document may ask for beyond depth and cost (`queryShape.ts`): a document
 * may define many operations, though only one runs, and every one of them is validated;
 * aliases let one field be asked for thousands of times in one selection. Both multiply
 * the work of a request that stays inside the token limit (`MOSAIC_MAX_QUERY_TOKENS`), so
 * each is counted and refused past its limit, before anything executes.
 */
export function documentSizeRule(limits: DocumentLimits): ValidationRule {
  return (context: ValidationContext) => {
    let operations = 0;
    let aliases = 0;
    const refuse = (message: string) =>
      context.reportError(
        new GraphQLError(message, {
          extensions: { code: ErrorCode.QUERY_TOO_COSTLY },
          originalError: new MosaicError(ErrorCode.QUERY_TOO_COSTLY, message),
        }),
      );
    return {
      OperationDefinition() {
        if (++operations === limits.maxOperations + 1)
          refuse(
            `The document defines more than ${limits.maxOperations} operations; send one operation per request`,
          );
      },
      Field(node) {
        if (node.alias !== undefined && ++aliases === limits.maxAliases + 1)
          refuse(
            `The document uses more than ${limits.maxAliases} aliases; ask for fewer fields or split the request`,
          );
      },
    };
  };
}
