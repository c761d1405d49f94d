#!/usr/bin/env bash
# Starts (or stops) the services Mosaic needs, idempotently: whatever already answers is
# left alone, whatever is missing is installed (Debian packages) or built (FerretDB, with
# the machine's Go) and started. Used by `npm test`, `npm run demo` and `npm run bench`.
#
#   scripts/services.sh up       start what is missing (default)
#   scripts/services.sh down     stop the FerretDB this script started
#   scripts/services.sh status   say what answers
#
# Environment: FERRETDB_PORT (27017), FERRETDB_HANDLER (sqlite|postgresql), REDIS_PORT
# (6379), PGPORT (5432), FERRETDB_DEBUG_ADDR (unset; e.g. 127.0.0.1:6060 serves FerretDB's
# pprof profiles, for finding where the store's CPU goes).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/.data"
ferret_port=${FERRETDB_PORT:-27017}
ferret_handler=${FERRETDB_HANDLER:-sqlite}
redis_port=${REDIS_PORT:-6379}
pg_port=${PGPORT:-5432}
ferret_bin="$data/bin/ferretdb"
ferret_pid="$data/ferretdb.pid"

log() { printf '[services] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port name seconds
  for _ in $(seq 1 $(($3 * 10))); do port_open "$1" && return 0; sleep 0.1; done
  log "$2 did not start listening on 127.0.0.1:$1 within $3 s"; return 1
}

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then log "cannot install $* without root; install it and retry"; exit 1; fi
  if [ $apt_updated = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2; apt_updated=1; fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

redis_up() {
  if port_open "$redis_port"; then log "redis answers on $redis_port"; return; fi
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$data/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --dir "$data/redis" \
    --save "" --appendonly no --logfile "$data/redis.log"
  wait_port "$redis_port" redis 20
  log "redis started on $redis_port"
}

postgres_up() {
  if ! port_open "$pg_port"; then
    if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql; fi
    version=$(ls /etc/postgresql | sort -n | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_port "$pg_port" postgresql 30
    log "postgresql started on $pg_port"
  else
    log "postgresql answers on $pg_port"
  fi
  # The transactional source's database; created once.
  if ! psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "select 1 from pg_database where datname='mosaic'" 2>/dev/null | grep -q 1; then
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc 'create database mosaic' >/dev/null 2>&1 || true
  fi
}

ferretdb_build() {
  command -v go >/dev/null || { log "Go is needed to build FerretDB (tools/ferretdb); install Go 1.24+"; exit 1; }
  mkdir -p "$data/bin"
  local modfile
  modfile=$(ferretdb_patched_modfile) || exit 1
  # go build is incremental: a no-op when nothing changed.
  (cd "$root/tools/ferretdb" && go build -modfile "$modfile" -o "$ferret_bin" .) >&2
}

# Fixes to FerretDB's own code (tools/ferretdb/patches/*.patch, each against the module's
# root) are applied to a copy of the module under .data, and the build uses it through a
# generated go.mod that replaces the module with that copy: the module cache stays
# untouched (Go forbids overlays of it), and nothing of FerretDB's is vendored here.
ferretdb_patched_modfile() {
  local module src="$data/ferretdb-src" build="$data/ferretdb-build" patch stamp
  module=$(cd "$root/tools/ferretdb" && go mod download -json github.com/FerretDB/FerretDB |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || return 1
  [ -n "$module" ] || { log "cannot find FerretDB's module directory"; return 1; }
  # Every `npm test` and test run comes through here: the copy is remade only when the
  # module or a patch changed.
  stamp=$( (echo "$module"; cat "$root"/tools/ferretdb/patches/*.patch "$root"/tools/ferretdb/go.mod) 2>/dev/null | sha256sum)
  if [ -f "$build/stamp" ] && [ "$(cat "$build/stamp")" = "$stamp" ]; then
    echo "$build/go.mod"
    return 0
  fi
  rm -rf "$src" "$build" && mkdir -p "$build"
  cp -R "$module" "$src" && chmod -R u+w "$src"
  for patch in "$root"/tools/ferretdb/patches/*.patch; do
    [ -e "$patch" ] || continue
    patch --quiet --forward -p1 -d "$src" <"$patch" >&2 || {
      log "$(basename "$patch") does not apply to $module"
      return 1
    }
  done
  cp "$root/tools/ferretdb/go.mod" "$build/go.mod"
  cp "$root/tools/ferretdb/go.sum" "$build/go.sum"
  printf '\nreplace github.com/FerretDB/FerretDB => %s\n' "$src" >>"$build/go.mod"
  echo "$stamp" >"$build/stamp"
  echo "$build/go.mod"
}

ferretdb_up() {
  if port_open "$ferret_port"; then
    # A FerretDB this script started from an older build of tools/ferretdb is restarted,
    # so a fix there (e.g. the _id look-up index) reaches the running server.
    if [ -f "$ferret_pid" ] && kill -0 "$(cat "$ferret_pid")" 2>/dev/null; then
      before=$(sha256sum "$ferret_bin" 2>/dev/null | cut -d' ' -f1)
      ferretdb_build
      if [ "$before" = "$(sha256sum "$ferret_bin" | cut -d' ' -f1)" ]; then
        log "FerretDB answers on $ferret_port"; return
      fi
      log "tools/ferretdb changed: restarting FerretDB"
      ferretdb_down
    else
      # Tests start FerretDBs of their own from the binary, so it is built all the same.
      ferretdb_build
      log "MongoDB-compatible server answers on $ferret_port (not started by this script; left alone)"; return
    fi
  fi
  log "building FerretDB (first build downloads modules and takes about a minute)"
  ferretdb_build
  mkdir -p "$data/ferretdb"
  setsid nohup "$ferret_bin" -listen "127.0.0.1:$ferret_port" -handler "$ferret_handler" \
    -sqlite-dir "$data/ferretdb" -postgresql-url "postgres://postgres@127.0.0.1:$pg_port/ferretdb" \
    ${FERRETDB_DEBUG_ADDR:+-debug-addr "$FERRETDB_DEBUG_ADDR"} \
    >"$data/ferretdb.out" 2>"$data/ferretdb.log" </dev/null &
  echo $! >"$ferret_pid"
  wait_port "$ferret_port" FerretDB 60 || { tail -20 "$data/ferretdb.log" >&2; exit 1; }
  log "FerretDB ($ferret_handler) started on $ferret_port, pid $(cat "$ferret_pid")"
}

ferretdb_down() {
  if [ -f "$ferret_pid" ] && kill -0 "$(cat "$ferret_pid")" 2>/dev/null; then
    pid=$(cat "$ferret_pid")
    kill "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$ferret_pid"; log "FerretDB stopped"
  else
    log "no FerretDB started by this script is running"
  fi
}

case "${1:-up}" in
  up)
    redis_up
    postgres_up
    if [ "$ferret_handler" = postgresql ]; then
      psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc 'create database ferretdb' >/dev/null 2>&1 || true
    fi
    ferretdb_up
    ;;
  down) ferretdb_down ;;
  status)
    for p in "redis:$redis_port" "postgresql:$pg_port" "mongodb:$ferret_port"; do
      if port_open "${p#*:}"; then echo "${p%%:*} up (${p#*:})"; else echo "${p%%:*} down (${p#*:})"; fi
    done
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
