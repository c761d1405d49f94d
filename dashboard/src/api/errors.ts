import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** graphql-ws close codes that mean the credential itself was refused. */
export const AUTH_CLOSE_CODES: Record<number, string> = {
  4401: 'Your key expired; sign in again.',
  4403: 'The server closed the live connection: this key was revoked or is not allowed (4403). Sign in with a valid key.',
};

interface GraphQLErrorLike {
  message: string;
  extensions?: Record<string, unknown> | undefined;
}

function graphQLErrors(error: unknown): readonly GraphQLErrorLike[] {
  return CombinedGraphQLErrors.is(error) ? error.errors : [];
}

/** True when the server refused the credential (wrong, expired or revoked key). */
export function isAuthFailure(error: unknown): boolean {
  if (ServerError.is(error) && error.statusCode === 401) return true;
  return graphQLErrors(error).some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

/** One sentence for a person: the server's messages, or what went wrong on the way. */
export function describeError(error: unknown): string {
  const errors = graphQLErrors(error);
  if (errors.length > 0) return errors.map((e) => e.message).join(' ');
  if (ServerError.is(error)) {
    const parsed = parseBody(error.bodyText);
    if (parsed) return parsed;
    return `The gateway answered ${error.statusCode}.`;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/**
 * Validation errors by the input field they name (`extensions.field`, e.g. `name` or
 * `rule.and[1].op`), so a form can show each next to its field.
 */
export function fieldErrors(error: unknown): Map<string, string> {
  const byField = new Map<string, string>();
  for (const e of graphQLErrors(error)) {
    const field = e.extensions?.field;
    if (typeof field === 'string') byField.set(field, e.message);
  }
  return byField;
}

function parseBody(text: string): string | null {
  try {
    const body = JSON.parse(text) as { errors?: { message?: string }[] };
    const messages = (body.errors ?? []).map((e) => e.message).filter(Boolean);
    return messages.length > 0 ? messages.join(' ') : null;
  } catch {
    return null;
  }
}
