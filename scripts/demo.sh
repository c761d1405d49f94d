#!/usr/bin/env bash
# `npm run demo`: everything on embedded defaults. Starts the services, the gateway, and
# loads a demo population with duplicates across CRMs and devices; prints the URLs and
# keeps the gateway in the foreground (Ctrl-C stops it gracefully).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
bash scripts/services.sh up
bash scripts/dashboard-build.sh

export PORT=${PORT:-4000}
export MONGODB_URI=${MONGODB_URI:-mongodb://127.0.0.1:27017/mosaic_demo}
# The tracking API (Segment's /v1/*) only accepts calls signed with this key.
export MOSAIC_WRITE_KEY=${MOSAIC_WRITE_KEY:-demo-write-key}
# GraphQL needs a credential: this bootstrap admin key (create real keys with createApiKey
# or `npm run apikey`).
export MOSAIC_ADMIN_KEY=${MOSAIC_ADMIN_KEY:-demo-admin-key-change-me}
export MOSAIC_METRICS_KEY=${MOSAIC_METRICS_KEY:-demo-metrics-key-change-me}
mkdir -p .data
# node itself (not an npx wrapper) so that the trap's signal reaches the gateway process.
node --import tsx src/main.ts >.data/demo-gateway.log 2>&1 &
gateway=$!
# A worker computes traits (lifetime value, engagement, RFM inputs …) as data arrives.
MOSAIC_WORKER_METRICS_PORT=${MOSAIC_WORKER_METRICS_PORT:-9464} \
  node --import tsx src/workers/main.ts >.data/demo-worker.log 2>&1 &
worker=$!
trap 'kill -TERM $gateway $worker 2>/dev/null; wait $gateway $worker 2>/dev/null' INT TERM EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 $gateway 2>/dev/null || { cat .data/demo-gateway.log; exit 1; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "gateway not ready"; cat .data/demo-gateway.log; exit 1; }

npx tsx scripts/loadDemoData.ts "http://127.0.0.1:$PORT/graphql" "${DEMO_CUSTOMERS:-1000}"

cat <<TXT

Mosaic is running.
  Dashboard:                        http://localhost:$PORT/dashboard/
                                    sign in with the API key $MOSAIC_ADMIN_KEY (admin; a key of role
                                    DASHBOARD or READER from \`npm run apikey\` sees less)
  GraphQL (POST, GET, graphql-ws):  http://localhost:$PORT/graphql
  Tracking API (Segment, POST):     http://localhost:$PORT/v1/batch  (also /v1/identify, /v1/track …)
                                    Basic auth, user name = write key "$MOSAIC_WRITE_KEY", no password
                                    Authorization: Bearer $MOSAIC_ADMIN_KEY (admin)
  Health / readiness:               http://localhost:$PORT/healthz  http://localhost:$PORT/readyz
  Prometheus metrics:               http://localhost:$PORT/metrics  (Authorization: Bearer $MOSAIC_METRICS_KEY)
                                    worker: http://localhost:${MOSAIC_WORKER_METRICS_PORT:-9464}/metrics (same key)
  Gateway and worker logs:          .data/demo-gateway.log  .data/demo-worker.log

Try:
  curl -s localhost:$PORT/graphql -H "authorization: Bearer $MOSAIC_ADMIN_KEY" -H 'content-type: application/json' \\
    -d '{"query":"{ profileByIdentifier(kind: EMAIL, value: \\" Some.One@Example.COM \\") { id identifiers { kind value } traits crmRecords { crmId } orders(first: 5) { edges { node { orderId total placedAt } } } orderStats { count totals { currency amount } } events(first: 5) { edges { node { type event name } } } eventStats { count } sourceStatus { source stale } mergeLog { reason explanation } } }"}'

  curl -s localhost:$PORT/v1/batch -u "$MOSAIC_WRITE_KEY:" -H 'content-type: application/json' \\
    -d '{"batch":[{"type":"identify","userId":"U-1","traits":{"plan":"pro"}}]}'

Ctrl-C stops it.
TXT
wait $gateway
