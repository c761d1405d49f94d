#!/usr/bin/env bash
# `npm run bench [scenario...]`: makes sure the real services answer, then runs the
# benchmark scenarios (all of them when none is named). See bench/run.ts.
#
# Environment: BENCH_SECONDS (10), BENCH_CONCURRENCY (16), BENCH_PROFILES (10000),
# BENCH_KEEP_DATABASE=1 / BENCH_PROFILE_READ_DATABASE=<kept database> (profile-read: keep
# its seeded data, measure it again),
# BENCH_SEED_CONCURRENCY (8), BENCH_INGEST_CUSTOMERS (1000), BENCH_BRONZE_CUSTOMERS (3000), plus the gateway's own (MONGODB_URI, REDIS_URL, ...).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The services script logs to stderr; keep stdout for the table and the JSON lines.
bash scripts/services.sh up
# --expose-gc: a scenario can collect garbage between timed parts (see bench/scenarios/matching.ts).
exec npx tsx --expose-gc bench/run.ts "$@"
