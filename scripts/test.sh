#!/usr/bin/env bash
# `npm test`: everything CI checks, from a fresh clone. Installs dependencies when the
# lockfile changed, starts the services (scripts/services.sh), then typecheck, lint, the
# Go tests of tools/ferretdb, the codegen freshness check, the docs' relative links and
# the whole jest suite against the real services.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.mosaic-installed-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo '[test] installing dependencies (npm ci)'
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi

bash scripts/services.sh up

echo '[test] typecheck'
npx tsc --noEmit -p tsconfig.json
echo '[test] lint'
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
echo '[test] tools/ferretdb (go vet, go test)'
(cd tools/ferretdb && go vet . && go test -count=1 .)
echo '[test] codegen freshness'
bash scripts/codegen-check.sh
echo '[test] doc links'
node scripts/check-doc-links.mjs
echo '[test] jest'
mkdir -p .data
status=0
npx jest --ci --json --outputFile=.data/jest-results.json "$@" || status=$?
# One plain summary line, whatever reads this log.
node -e 'const r = require("./.data/jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);' || true
exit $status
