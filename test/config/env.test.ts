import { ConfigError, loadConfig } from '../../src/config/env';

describe('configuration', () => {
  it('has working defaults for every variable', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(4000);
    expect(config.mongo.uri).toBe('mongodb://127.0.0.1:27017/mosaic');
    expect(config.identity.limits).toMatchObject({ USER_ID: 1, CUSTOMER_ID: 1 });
    expect(config.identity.blocked).toContainEqual({ kind: 'EMAIL', value: 'test@test.com' });
  });

  it('reports every bad variable at once, each named with what was expected', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        MONGODB_URI: 'http://localhost',
        MOSAIC_IDENTIFIER_LIMITS: 'EMAIL=0,SHOE=2',
        MOSAIC_DEFAULT_PHONE_REGION: 'usa',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT: .*\(got "eighty"\)/m);
    expect(problems).toMatch(
      /^MONGODB_URI: must be a URL starting with mongodb:\/\/ or mongodb\+srv:\/\//m,
    );
    expect(problems).toMatch(
      /MOSAIC_IDENTIFIER_LIMITS: limit for EMAIL must be a whole number ≥ 1/,
    );
    expect(problems).toMatch(/MOSAIC_IDENTIFIER_LIMITS: unknown identifier kind "SHOE"/);
    expect(problems).toMatch(
      /^MOSAIC_DEFAULT_PHONE_REGION: must be an ISO 3166-1 alpha-2 region code/m,
    );
  });

  it('reads limits and blocked values from their compact forms', () => {
    const config = loadConfig({
      MOSAIC_IDENTIFIER_LIMITS: 'EMAIL=3',
      MOSAIC_BLOCKED_IDENTIFIERS: '*:n/a, phone:+15555550100',
    });
    expect(config.identity.limits).toEqual({ EMAIL: 3 });
    expect(config.identity.blocked).toEqual([
      { kind: '*', value: 'n/a' },
      { kind: 'PHONE', value: '+15555550100' },
    ]);
  });
});
