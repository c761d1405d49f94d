import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Makes sure FerretDB, Redis and PostgreSQL answer before any test file runs. */
export default function globalSetup(): void {
  execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'services.sh'), 'up'], {
    stdio: 'inherit',
  });
}
