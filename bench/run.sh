#!/usr/bin/env bash
# Measures what docs/BENCHMARKS.md reports for issue 9, on SQLite and PostgreSQL:
# the mixed load at 1, 16, 64 and 256 simulated users, intake alone at 64 users beside
# the bare ceiling (the same transaction without HTTP), the server's peak resident memory
# and its cold start. The ceiling and every intake measure start on a fresh database. The load generator shares the machine with the server.
#   bash bench/run.sh [sqlite|postgres]... > results.txt
# SECS sets each run's length (15); MIXED=0 skips the mixed load (intake and ceiling only,
# for comparing two commits quickly). The ceiling is measured first; intake at 64 users
# then runs flat out (closed loop) and on a fixed schedule (open loop, latency from the
# due time) at the goal's share of the ceiling (50% on SQLite, 60% on PostgreSQL) and at
# 80% of what the closed loop reached.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3 XASO_PASSWORD_MEMORY=1024 XASO_PASSWORD_TIME=1
secs=${SECS:-15}
work=$(mktemp -d)
pid=""
trap '[[ -n $pid ]] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/xaso" ./cmd/xaso
go build -o "$work/load" ./bench/load
go build -o "$work/ceiling" ./bench/ceiling
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

dsn_for() { # dsn_for ENGINE NAME
  case $1 in
    sqlite) echo "sqlite:$work/$2.db" ;;
    postgres)
      PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS bench_$2 CASCADE; CREATE SCHEMA bench_$2" >/dev/null
      echo "postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=bench_$2" ;;
  esac
}

start() { # start DSN; sets pid and started_ms (milliseconds until /healthz answered)
  local t0; t0=$(date +%s%N)
  "$work/xaso" serve --demo --trust-proxy --log-level error --addr "127.0.0.1:$port" --db "$1" --data-dir "$work/files" >>"$work/serve.log" 2>&1 &
  pid=$!
  until curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; do sleep 0.02; done
  started_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }
rss() { grep VmHWM "/proc/$pid/status" | awk '{print $2/1024 " MiB"}'; }

for engine in "${@:-sqlite postgres}"; do
  for e in $engine; do
    echo "### $e"
    echo "#### bare ceiling, 64 workers, ${secs} s"
    out=$("$work/ceiling" -db "$(dsn_for "$e" "${e}_ceiling")" -workers 64 -duration "${secs}s")
    echo "$out"
    ceiling=$(sed -n 's|.* = \([0-9]*\)/s.*|\1|p' <<<"$out")
    dsn=$(dsn_for "$e" "$e")
    start "$dsn"; first=$started_ms; stop
    start "$dsn"; cold=$started_ms
    echo "first start with demo loading: ${first} ms; start on the existing database: ${cold} ms"
    for users in $([[ ${MIXED:-1} == 0 ]] || echo 1 16 64 256); do
      echo "#### mixed load, $users users, ${secs} s"
      "$work/load" -url "$url" -users "$users" -duration "${secs}s" || true
    done
    echo "peak resident memory of the server after the mixed load: $(rss)"
    stop
    # Each intake measure starts on a fresh database, as the ceiling does: the same
    # starting state makes the ratio mean something (a database grown by the runs before
    # takes each insert a little longer).
    start "$(dsn_for "$e" "${e}_intake")"
    echo "#### intake only, 64 users, ${secs} s"
    out=$("$work/load" -url "$url" -users 64 -duration "${secs}s" -only file || true)
    echo "$out"
    echo "peak resident memory of the server: $(rss)"
    stop
    intake=$(awk '$1 == "file" {printf "%d", $3}' <<<"$out")
    share=50; [[ $e == postgres ]] && share=60
    n=0
    for rate in $(( ceiling * share / 100 )) $(( intake * 80 / 100 )); do
      n=$((n + 1))
      start "$(dsn_for "$e" "${e}_open$n")"
      echo "#### intake only, 64 users, ${secs} s, open loop at ${rate}/s (${share}% of the ceiling ${ceiling}/s; 80% of the closed loop's ${intake}/s)"
      "$work/load" -url "$url" -users 64 -duration "${secs}s" -only file -rate "$rate" || true
      echo "peak resident memory of the server: $(rss)"
      stop
    done
  done
done
