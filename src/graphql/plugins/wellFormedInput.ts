import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { MosaicError } from '../../errors';
import { assertWellFormedInput } from '../../validation/wellFormed';

/** What a GraphQL request carries besides its document (HTTP body or graphql-ws payload). */
export interface RequestInput {
  variables?: unknown;
  extensions?: unknown;
  operationName?: unknown;
}

/**
 * Refuses a request whose variables, extensions or operation name hold ill-formed UTF-16,
 * naming the place (`variables.input.crmId`). The document itself needs no check:
 * graphql-js refuses a lone surrogate in a string literal or escape when it parses.
 */
export function assertWellFormedRequest(request: RequestInput): void {
  assertWellFormedInput(request.variables, 'variables');
  assertWellFormedInput(request.extensions, 'extensions');
  assertWellFormedInput(request.operationName, 'operationName');
}

/** The check over HTTP (GET and POST alike), before anything executes: `400 BAD_USER_INPUT`. */
export const wellFormedInput: ApolloServerPlugin<BaseContext> = {
  requestDidStart() {
    return Promise.resolve({
      didResolveOperation({ request }) {
        try {
          assertWellFormedRequest(request);
        } catch (err) {
          if (!(err instanceof MosaicError)) throw err;
          throw new GraphQLError(err.message, {
            originalError: err,
            extensions: { http: { status: 400, headers: new HeaderMap() } },
          });
        }
        return Promise.resolve();
      },
    });
  },
};
