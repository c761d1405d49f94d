#!/usr/bin/env bash
# `npm run eval:identity -- FILE.csv`: makes sure the real services answer, then runs the
# evaluation (scripts/evalIdentity.ts). The last line printed is the result as JSON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/services.sh up
exec npx tsx scripts/evalIdentity.ts "$@"
