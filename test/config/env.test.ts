import { createHash, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/env';

/** The problems loadConfig reports for `env`, one a line (fails if it accepts it). */
function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  throw new Error(`configuration ${JSON.stringify(env)} was accepted`);
}

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

  it('finds the dashboard bundle from the source tree, or where MOSAIC_DASHBOARD_DIR says', () => {
    // The checkout's dashboard/dist whatever the working directory (npm start, tests, a
    // service manager all start elsewhere).
    expect(loadConfig({}).http.dashboardDir).toBe(join(__dirname, '..', '..', 'dashboard', 'dist'));
    expect(loadConfig({ MOSAIC_DASHBOARD_DIR: '/srv/mosaic/dashboard' }).http.dashboardDir).toBe(
      '/srv/mosaic/dashboard',
    );
    // A relative directory is resolved once, at start, so it cannot drift with the cwd.
    expect(loadConfig({ MOSAIC_DASHBOARD_DIR: 'build/dashboard/' }).http.dashboardDir).toBe(
      join(process.cwd(), 'build', 'dashboard'),
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

describe('persisted queries', () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const files: string[] = [];
  /** Writes `content` (JSON-encoded unless a string) to a temporary file; returns its path. */
  const manifestFile = (content: unknown) => {
    const path = join(tmpdir(), `mosaic-manifest-${randomUUID()}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    files.push(path);
    return path;
  };
  const manifest = (operations: Record<string, unknown>[]) => ({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations,
  });
  const WHOAMI = 'query Whoami { whoami { role } }';
  afterAll(() => files.forEach((f) => rmSync(f, { force: true })));

  it('defaults to automatic persisted queries', () => {
    expect(loadConfig({}).graphql.persistedQueries).toEqual({ mode: 'apq' });
    expect(loadConfig({ MOSAIC_PERSISTED_QUERIES: 'off' }).graphql.persistedQueries).toEqual({
      mode: 'off',
    });
  });

  it('reads a safelist manifest at start, operations by id', () => {
    const path = manifestFile(
      manifest([{ id: sha256(WHOAMI), name: 'Whoami', type: 'query', body: WHOAMI }]),
    );
    const config = loadConfig({
      MOSAIC_PERSISTED_QUERIES: 'safelist',
      MOSAIC_PERSISTED_QUERY_MANIFEST: path,
    }).graphql.persistedQueries;
    expect(config.mode).toBe('safelist');
    if (config.mode !== 'safelist') return;
    expect(config.manifestPath).toBe(path);
    expect([...config.operations.keys()]).toEqual([sha256(WHOAMI)]);
    expect(config.operations.get(sha256(WHOAMI))?.body).toBe(WHOAMI);
  });

  it('names MOSAIC_PERSISTED_QUERY_MANIFEST and the problem when the file is bad', () => {
    const safelist = (path: string) => ({
      MOSAIC_PERSISTED_QUERIES: 'safelist',
      MOSAIC_PERSISTED_QUERY_MANIFEST: path,
    });
    const wrongId = manifestFile(
      manifest([{ id: sha256('{ other }'), name: 'Whoami', type: 'query', body: WHOAMI }]),
    );
    expect(problemsOf({ ...safelist(wrongId), PORT: 'eighty' })).toMatch(
      new RegExp(
        `^MOSAIC_PERSISTED_QUERY_MANIFEST: operations\\.0 \\(Whoami\\): id must be the SHA-256 of its body, ${sha256(WHOAMI)}, but is ${sha256('{ other }')}`,
        'm',
      ),
    );
    // Other bad variables are still reported alongside.
    expect(problemsOf({ ...safelist(wrongId), PORT: 'eighty' })).toMatch(/^PORT: /m);

    expect(problemsOf(safelist(manifestFile('{"format": ')))).toMatch(
      /^MOSAIC_PERSISTED_QUERY_MANIFEST: the manifest is not JSON: /m,
    );
    expect(problemsOf(safelist(join(tmpdir(), `missing-${randomUUID()}.json`)))).toMatch(
      /^MOSAIC_PERSISTED_QUERY_MANIFEST: cannot read the manifest: ENOENT: no such file/m,
    );
    expect(
      problemsOf(safelist(manifestFile({ format: 'persisted-queries', operations: [] }))),
    ).toMatch(/^MOSAIC_PERSISTED_QUERY_MANIFEST: format: .*apollo-persisted-query-manifest/m);
    const wrongType = manifestFile(
      manifest([{ id: sha256(WHOAMI), name: 'Whoami', type: 'mutation', body: WHOAMI }]),
    );
    expect(problemsOf(safelist(wrongType))).toMatch(
      /MOSAIC_PERSISTED_QUERY_MANIFEST: operations\.0 \(Whoami\): type is mutation, but the body's operation is a query/,
    );
    const notGraphQL = manifestFile(
      manifest([{ id: sha256('{ whoami '), name: 'Broken', type: 'query', body: '{ whoami ' }]),
    );
    expect(problemsOf(safelist(notGraphQL))).toMatch(
      /MOSAIC_PERSISTED_QUERY_MANIFEST: operations\.0 \(Broken\): body is not a GraphQL document/,
    );
    expect(problemsOf(safelist(manifestFile(manifest([]))))).toMatch(
      /MOSAIC_PERSISTED_QUERY_MANIFEST: operations: lists no operations/,
    );
  });

  it('requires a manifest for safelist, and refuses one that would not be used', () => {
    expect(problemsOf({ MOSAIC_PERSISTED_QUERIES: 'safelist' })).toMatch(
      /^MOSAIC_PERSISTED_QUERY_MANIFEST: required when MOSAIC_PERSISTED_QUERIES=safelist/m,
    );
    const path = manifestFile(
      manifest([{ id: sha256(WHOAMI), name: 'Whoami', type: 'query', body: WHOAMI }]),
    );
    expect(problemsOf({ MOSAIC_PERSISTED_QUERY_MANIFEST: path })).toMatch(
      /^MOSAIC_PERSISTED_QUERY_MANIFEST: only used when MOSAIC_PERSISTED_QUERIES=safelist, but MOSAIC_PERSISTED_QUERIES is apq/m,
    );
    expect(problemsOf({ MOSAIC_PERSISTED_QUERIES: 'always' })).toMatch(
      /^MOSAIC_PERSISTED_QUERIES: .*\(got "always"\)/m,
    );
  });

  it('keeps the match thresholds in order: review ≤ settle ≤ merge, review below merge', () => {
    expect(loadConfig({}).identity.matching).toMatchObject({
      mergeThreshold: 0.95,
      reviewThreshold: 0.8,
      settleThreshold: 0.8,
      conflictThreshold: 1e-5,
    });
    expect(problemsOf({ MOSAIC_MATCH_SETTLE_THRESHOLD: '0.6' })).toMatch(
      /^MOSAIC_MATCH_SETTLE_THRESHOLD: must be between MOSAIC_MATCH_REVIEW_THRESHOLD \(0.8\) and MOSAIC_MATCH_MERGE_THRESHOLD \(0.95\), got 0.6/m,
    );
    expect(problemsOf({ MOSAIC_MATCH_SETTLE_THRESHOLD: '0.97' })).toMatch(
      /^MOSAIC_MATCH_SETTLE_THRESHOLD: must be between/m,
    );
    // Settling off: nothing queued reaches the merge threshold.
    expect(loadConfig({ MOSAIC_MATCH_SETTLE_THRESHOLD: '0.95' }).identity.matching).toMatchObject({
      settleThreshold: 0.95,
    });
    expect(problemsOf({ MOSAIC_MATCH_CONFLICT_THRESHOLD: '0.5' })).toMatch(
      /^MOSAIC_MATCH_CONFLICT_THRESHOLD: /m,
    );
  });
});
