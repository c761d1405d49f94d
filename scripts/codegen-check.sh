#!/usr/bin/env bash
# Fails when the committed resolver types differ from what the SDL generates.
set -euo pipefail
cd "$(dirname "$0")/.."
generated=src/graphql/generated/resolvers-types.ts
before=$(mktemp)
cp "$generated" "$before"
npx graphql-codegen --config codegen.yml --silent >/dev/null
if ! cmp -s "$before" "$generated"; then
  echo "codegen: $generated was stale (regenerated it now: review and commit it)" >&2
  diff -u "$before" "$generated" | head -40 >&2 || true
  exit 1
fi
echo 'codegen: generated resolver types are up to date'
