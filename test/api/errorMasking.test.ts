import { GraphQLError } from 'graphql';
import pino from 'pino';
import { ErrorCode, MosaicError } from '../../src/errors';
import { makeFormatError } from '../../src/graphql/errors';

describe('error masking', () => {
  const logged: unknown[] = [];
  const logger = pino(
    { level: 'error' },
    { write: (line: string) => void logged.push(JSON.parse(line)) },
  );
  const format = makeFormatError(logger);

  it('shows our own errors with their code and field', () => {
    const out = format(
      { message: 'x' },
      new MosaicError(ErrorCode.BAD_USER_INPUT, 'input.emails[0]: bad', 'input.emails[0]'),
    );
    expect(out).toEqual({
      message: 'input.emails[0]: bad',
      extensions: { code: 'BAD_USER_INPUT', field: 'input.emails[0]' },
    });
  });

  it('keeps GraphQL validation errors as they are', () => {
    const err = new GraphQLError('Cannot query field "nope"', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const out = format(
      { message: err.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
      err,
    );
    expect(out).toMatchObject({
      message: 'Cannot query field "nope"',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('hides anything unexpected behind "Unexpected error." and logs the original', () => {
    const secret = new Error('connection string mongodb://admin:hunter2@db');
    const out = format({ message: secret.message, path: ['profile'] }, secret);
    expect(out).toEqual({
      message: 'Unexpected error.',
      path: ['profile'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(out)).not.toContain('hunter2');
    expect(JSON.stringify(logged)).toContain('hunter2');
  });
});
