#!/usr/bin/env bash
# Crash test (issue 9): run the load generator against xaso, kill the server with
# SIGKILL mid-way, restart it, and check that every dossier it acknowledged is there, once,
# with its history, and every cash payment paid with its receipt (numbers unique); that
# the audit chains verify; and that the statistics counters equal a rebuild from the
# dossiers. On SQLite (synchronous=FULL) and on PostgreSQL.
#   bash .ci/crash.sh [sqlite|postgres]...
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export XASO_PASSWORD_MEMORY=1024 XASO_PASSWORD_TIME=1
work=$(mktemp -d)
pid=""
cleanup() { [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/xaso" ./cmd/xaso
go build -o "$work/load" ./bench/load

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

start() { # start DSN PORT LOG
  "$work/xaso" serve --demo --trust-proxy --log-level warn --addr "127.0.0.1:$2" --db "$1" --data-dir "$work/files" >>"$3" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$2/healthz" 2>/dev/null && return 0; sleep 0.2; done
  echo "xaso did not start:"; tail -n 20 "$3"; return 1
}

one() { # one ENGINE
  local engine=$1 dsn
  case $engine in
    sqlite) dsn="sqlite:$work/$engine.db" ;;
    postgres)
      local schema="crash_$$"
      psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
      dsn="postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=$schema" ;;
  esac
  local port log="$work/$engine.log" ack="$work/$engine.ack"
  port=$(free_port)
  echo "-- $engine: load, then SIGKILL"
  start "$dsn" "$port" "$log"
  "$work/load" -url "http://127.0.0.1:$port" -users 32 -duration 20s -ack "$ack" >"$work/$engine.load" 2>&1 &
  local load=$!
  sleep 6
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  wait "$load" || true # requests in flight fail when the server dies
  local n paid; n=$(grep -vc '^P ' "$ack" || true); paid=$(grep -c '^P ' "$ack" || true)
  echo "   $n dossiers and $paid cash payments acknowledged before the kill"
  if ((n < 10 || paid < 1)); then echo "too few acknowledged dossiers or payments to prove anything"; cat "$work/$engine.load"; return 1; fi
  echo "-- $engine: restart and verify"
  start "$dsn" "$port" "$log"
  "$work/load" -url "http://127.0.0.1:$port" -verify "$ack"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  "$work/xaso" audit verify --db "$dsn"
  local before after
  before=$("$work/xaso" report --db "$dsn" --from 2021-01-01 --to 2030-12-31 --by procedure)
  "$work/xaso" report rebuild --db "$dsn"
  after=$("$work/xaso" report --db "$dsn" --from 2021-01-01 --to 2030-12-31 --by procedure)
  if [[ "$before" != "$after" ]]; then echo "counters differ from a rebuild after the crash"; diff <(echo "$before") <(echo "$after") || true; return 1; fi
  echo "   counters equal a rebuild"
}

engines=("$@")
((${#engines[@]})) || engines=(sqlite postgres)
for e in "${engines[@]}"; do one "$e"; done
echo "crash test passed"
