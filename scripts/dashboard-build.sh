#!/usr/bin/env bash
# Builds the dashboard (dashboard/ → dashboard/dist, served by the gateway at /dashboard/)
# when the bundle is missing or stale: its sources, the schema it is typed against or the
# lockfile changed since the last build. Type-checks first, so a schema change that breaks
# a query fails here rather than in a user's browser. `--force` rebuilds regardless.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=dashboard/dist
stamp="$dist/.build-stamp"
# A build killed between its two renames leaves the previous bundle as dist.old: put it back.
if [ ! -d "$dist" ] && [ -d "$dist.old" ]; then mv "$dist.old" "$dist"; fi
fingerprint=$(
  {
    find dashboard -path "$dist" -prune -o -path "$dist.*" -prune -o -type f -print0 |
      LC_ALL=C sort -z | xargs -0r sha256sum
    sha256sum package-lock.json codegen.yml schema/*.graphql
  } | sha256sum | cut -d' ' -f1
)

if [ "${1:-}" != "--force" ] && [ -f "$dist/index.html" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$fingerprint" ]; then
  echo '[dashboard] bundle is up to date'
  exit 0
fi

echo '[dashboard] type-checking and building'
npx tsc --noEmit -p dashboard/tsconfig.json
# Built beside and swapped in, so a gateway serving the old bundle is never left without
# one; a directory of its own, so two builds at once (npm test and the demo) do not collide.
next=$(mktemp -d "$dist.next.XXXXXX")
chmod 755 "$next" # mktemp makes it private; the gateway may run as another user
trap 'rm -rf "$next"' EXIT
npx vite build --config dashboard/vite.config.mts --logLevel warn --outDir "$(pwd)/$next"
echo "$fingerprint" >"$next/.build-stamp"
rm -rf "$dist.old"
if [ -d "$dist" ]; then mv "$dist" "$dist.old"; fi
mv "$next" "$dist"
rm -rf "$dist.old"
echo "[dashboard] built into $dist"
