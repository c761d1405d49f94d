#!/usr/bin/env bash
# Builds the dashboard (dashboard/ → dashboard/dist, served by the gateway at /dashboard/)
# when the bundle is missing or stale: its sources, the schema it is typed against or the
# lockfile changed since the last build. Type-checks first, so a schema change that breaks
# a query fails here rather than in a user's browser. `--force` rebuilds regardless.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=dashboard/dist
stamp="$dist/.build-stamp"
fingerprint=$(
  {
    find dashboard -path "$dist" -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum
    sha256sum package-lock.json codegen.yml schema/*.graphql
  } | sha256sum | cut -d' ' -f1
)

if [ "${1:-}" != "--force" ] && [ -f "$dist/index.html" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$fingerprint" ]; then
  echo '[dashboard] bundle is up to date'
  exit 0
fi

echo '[dashboard] type-checking and building'
npx tsc --noEmit -p dashboard/tsconfig.json
npx vite build --config dashboard/vite.config.mts --logLevel warn
echo "$fingerprint" >"$stamp"
echo "[dashboard] built into $dist"
