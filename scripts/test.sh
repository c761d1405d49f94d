#!/usr/bin/env bash
# `npm test`: everything CI checks, from a fresh clone. Installs dependencies when the
# lockfile changed, starts the services (scripts/services.sh), then typecheck, lint, the
# Go tests of tools/ferretdb, the codegen freshness check, the docs' relative links, the
# dashboard's build and a browser for its tests, and the whole jest suite against the real
# services (latency contracts last, on their own).
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
echo '[test] dashboard bundle (built when missing or stale) and a browser for its tests'
bash scripts/dashboard-build.sh
bash scripts/browser.sh
echo '[test] jest'
mkdir -p .data
status=0
npx jest --ci --json --outputFile=.data/jest-results.json \
  --testPathIgnorePatterns '/node_modules/' '<rootDir>/test/performance/' "$@" || status=$?
# Latency contracts (test/performance) run alone, one file at a time, once the rest is done:
# beside another test file on this 2-core machine they would measure that file's load.
echo '[test] jest: latency contracts, one at a time'
npx jest --ci --runInBand --json --outputFile=.data/jest-performance-results.json \
  test/performance "$@" || status=$?
# One plain summary line, whatever reads this log.
node -e 'const rs = [require("./.data/jest-results.json"), require("./.data/jest-performance-results.json")];
  const n = (k) => rs.reduce((s, r) => s + r[k], 0);
  console.log(`${n("numPassedTests")} passed, ${n("numFailedTests")} failed, ${n("numPendingTests")} skipped`);' || true
exit $status
