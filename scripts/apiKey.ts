/**
 * `npm run apikey -- create <name> <role> [source,...]` | `revoke <id>` | `list`: manages
 * API keys straight in PostgreSQL (POSTGRES_URL, POSTGRES_SCHEMA), for the first admin key
 * or when no admin credential is at hand. `create` prints the secret once.
 * A revocation made here reaches running gateways within their key cache time (60 s);
 * the `revokeApiKey` mutation reaches them at once.
 */
import { ApiKeyStore } from '../src/auth/apiKeys';
import { isRole, ROLES } from '../src/auth/roles';
import { ConfigError, loadConfig } from '../src/config/env';
import { MosaicError } from '../src/errors';
import type { SourceName } from '../src/store/models';
import { createPostgresPool } from '../src/store/postgres/connection';
import { migrate } from '../src/store/postgres/migrations';
import { PostgresApiKeys } from '../src/store/postgres/postgresApiKeys';

const USAGE = `usage: npm run apikey -- create <name> <${ROLES.join('|')}> [crm,orders,events]
       npm run apikey -- revoke <id>
       npm run apikey -- list`;

async function main(args: string[]): Promise<number> {
  const config = loadConfig();
  const pool = createPostgresPool({
    url: config.postgres.url,
    schema: config.postgres.schema,
    statementTimeoutMs: 10_000,
  });
  try {
    await migrate(pool, config.postgres.schema);
    const keys = new ApiKeyStore(new PostgresApiKeys(pool));
    const [command, ...rest] = args;
    switch (command) {
      case 'create': {
        const [name, role, sources] = rest;
        if (!name || !isRole(role)) return usage();
        const created = await keys.create({
          name,
          role,
          sources: sources ? (sources.split(',') as SourceName[]) : null,
        });
        process.stdout.write(
          `created key ${created.key.id} (${created.key.role}${created.key.sources.length ? `: ${created.key.sources.join(', ')}` : ''})\n` +
            `secret (shown once): ${created.secret}\n`,
        );
        return 0;
      }
      case 'revoke': {
        if (!rest[0]) return usage();
        const revoked = await keys.revoke(rest[0]);
        process.stdout.write(revoked ? `revoked ${rest[0]}\n` : `no live key ${rest[0]}\n`);
        return revoked ? 0 : 1;
      }
      case 'list':
        for (const k of await keys.list())
          process.stdout.write(
            `${k.id}  ${k.role.padEnd(9)}  ${k.revokedAt ? 'revoked' : 'live   '}  ${k.name}` +
              `${k.sources.length ? `  [${k.sources.join(',')}]` : ''}\n`,
          );
        return 0;
      default:
        return usage();
    }
  } finally {
    await pool.end();
  }
}

function usage(): number {
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof MosaicError)
      process.stderr.write(`${err.message}\n`);
    else
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
