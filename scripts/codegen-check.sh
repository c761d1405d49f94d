#!/usr/bin/env bash
# Fails when the committed generated types (the resolvers' and the dashboard's operations')
# differ from what the SDL and the dashboard's documents generate.
set -euo pipefail
cd "$(dirname "$0")/.."
generated=(src/graphql/generated/resolvers-types.ts dashboard/src/gql)
before=$(mktemp -d)
for path in "${generated[@]}"; do
  mkdir -p "$before/$(dirname "$path")"
  cp -r "$path" "$before/$path"
done
npx graphql-codegen --config codegen.yml --silent >/dev/null
stale=0
for path in "${generated[@]}"; do
  if ! diff -r -q "$before/$path" "$path" >/dev/null; then
    echo "codegen: $path was stale (regenerated it now: review and commit it)" >&2
    diff -r -u "$before/$path" "$path" | head -40 >&2 || true
    stale=1
  fi
done
rm -rf "$before"
[ "$stale" = 0 ] || exit 1
echo 'codegen: generated types are up to date'
