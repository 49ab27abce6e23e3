#!/usr/bin/env bash
# Issue 5 benchmarks, against `liaison serve` with wrk, on an SQLite store (synchronous=FULL,
# WAL) in a fresh directory:
#
#  send     single messages through the REST API, end to end. Each request is one
#           POST /v1/messages, answered 202 only once its message is committed to the outbox;
#           the gateway's dispatcher submits every message over SMPP to the project's SMSC
#           simulator (a separate process), which sends delivery receipts back.
#  webhook  inbound SMS through an aggregator's webhook (JSON profile, token authentication),
#           one message per request, each with its own provider id, answered 200 only once
#           the inbound pipeline has committed it.
#
#   bench/api_bench.sh BUILD_DIR send|webhook [--duration S] [--connections C] [--threads T]
#                                             [--contacts N] [--dir DIR]
#
# BUILD_DIR holds gateway/liaison (a Release build: see bench/README.md). Prints wrk's figures
# (answered requests per second, latency). send also prints the end-to-end rate: messages
# committed divided by the time from the first request to the last message submitted (the
# gateway's liaison_send_outcomes_total{status="submitted"} reaching the number committed).
# webhook also prints the inbound records in the store against the requests answered 200.
set -euo pipefail
usage="usage: $0 BUILD_DIR send|webhook [--duration S] [--connections C] [--threads T] [--contacts N] [--dir DIR]"
build="${1:?$usage}"
mode="${2:?$usage}"
shift 2
case "$mode" in send|webhook) ;; *) echo "$usage" >&2; exit 2 ;; esac
duration=10 connections=64 threads=2 contacts=10000 dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --contacts) contacts="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
root="$(cd "$(dirname "$0")/.." && pwd)"
liaison="$(cd "$build" && pwd)/gateway/liaison"
[ -x "$liaison" ] || { echo "no $liaison: build the liaison target first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
if [ -z "$dir" ]; then dir="$(mktemp -d)"; else mkdir -p "$dir"; fi
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
smpp_port=$(free_port)
http_port=$(free_port)
token="bench-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
webhook_secret="hook-$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
export LIAISON_BENCH_TOKEN="$token" LIAISON_BENCH_SMPP_PASSWORD=bench
export LIAISON_BENCH_WEBHOOK_SECRET="$webhook_secret"

cat > "$dir/liaison.toml" <<TOML
[server]
address = "127.0.0.1"
port = $http_port
data_dir = "$dir/data"
[log]
level = "warn"
[api]
rate_limit_per_second = 1000000
rate_limit_burst = 1000000
bootstrap_admin_token_env = "LIAISON_BENCH_TOKEN"
[sync]
enabled = false
[[tenants]]
id = "bench"
name = "Benchmark"
default_region = "DE"
fallback_language = "en"
languages = ["en"]
TOML
if [ "$mode" = send ]; then
  cat >> "$dir/liaison.toml" <<TOML
[[channels.smpp]]
name = "simulator"
tenant = "bench"
host = "127.0.0.1"
port = $smpp_port
system_id = "bench"
password_env = "LIAISON_BENCH_SMPP_PASSWORD"
source_addr = "CONSULATE"
window = 100
TOML
else
  # The aggregator's send URL is never called: the webhook run queues nothing to send.
  cat >> "$dir/liaison.toml" <<TOML
[[channels.http]]
name = "agg"
tenant = "bench"
profile = "json"
url = "http://127.0.0.1:9/send"
webhook_auth = "token"
webhook_secret_env = "LIAISON_BENCH_WEBHOOK_SECRET"
[channels.http.json]
auth = "none"
TOML
fi
mkdir -p "$dir/data"

python3 - "$dir/contacts.csv" "$contacts" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("phone,language,country\n")
    for i in range(n):
        f.write("+49151%08d,en,DE\n" % i)
PY

if [ "$mode" = send ]; then
  "$liaison" smsc-sim --listen "127.0.0.1:$smpp_port" > "$dir/smsc-sim.log" 2>&1 &
  pids+=($!)
fi
"$liaison" serve --config "$dir/liaison.toml" > "$dir/serve.log" 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
url="http://127.0.0.1:$http_port"
for _ in $(seq 1 200); do
  if curl -sf "$url/readyz" > /dev/null; then break; fi
  sleep 0.1
done
curl -sf "$url/readyz" > /dev/null || { echo "the gateway did not become ready:" >&2; cat "$dir/serve.log" >&2; exit 1; }
# The store exists once the gateway runs; the CLI imports beside it, as an operator would.
"$liaison" contacts import "$dir/contacts.csv" --config "$dir/liaison.toml" --tenant bench \
  > "$dir/import.log" 2>&1
tail -n 1 "$dir/import.log"


# CPU seconds (user + system) the gateway process has used so far.
gateway_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$serve_pid/stat"
}

sql() {
  python3 - "$dir/data/liaison.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print(db.execute(sys.argv[2]).fetchone()[0])
PY
}

if [ "$mode" = webhook ]; then
  cpu_before=$(gateway_cpu)
  start=$(date +%s.%N)
  LIAISON_LOAD=webhook LIAISON_WEBHOOK_SECRET="$webhook_secret" LIAISON_CONTACTS="$contacts" \
    wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
    -s "$root/bench/http/api_load.lua" "$url" | tee "$dir/wrk.txt"
  stored=$(sql "SELECT count(*) FROM inbound")
  cpu_after=$(gateway_cpu)
  echo "inbound records in the store: $stored (every request answered 200 is among them)"
  python3 -c "import sys; c = float(sys.argv[2]) - float(sys.argv[1]); n = int(sys.argv[3]); \
print(f'gateway CPU: {c:.2f} s, {c / n * 1e6:.0f} us per inbound message')" \
    "$cpu_before" "$cpu_after" "$stored"
  exit 0
fi

submitted() {
  curl -s "$url/metrics" |
    awk '/^liaison_send_outcomes_total\{/ && /status="submitted"/ { s += $NF } END { printf "%d\n", s }'
}

before=$(submitted)
cpu_before=$(gateway_cpu)
start=$(date +%s.%N)
LIAISON_LOAD=send LIAISON_TOKEN="$token" LIAISON_CONTACTS="$contacts" \
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
  -s "$root/bench/http/api_load.lua" "$url" | tee "$dir/wrk.txt"
wrk_end=$(date +%s.%N)
requests=$(awk '/^requests [0-9]+, non-2xx/ { gsub(",", "", $2); print $2 }' "$dir/wrk.txt")
non2xx=$(awk '/^requests [0-9]+, non-2xx/ { gsub(",", "", $4); print $4 }' "$dir/wrk.txt")
# wrk stops at the deadline with requests in flight: their messages may be committed without
# wrk counting them, so the end point is "everything committed is submitted", read from the
# store, not from wrk's count.
accepted=$(sql "SELECT count(*) FROM outbox WHERE campaign_id = 'api'")
for _ in $(seq 1 1200); do
  now=$(submitted)
  if [ $((now - before)) -ge "$accepted" ]; then break; fi
  sleep 0.05
done
end=$(date +%s.%N)
now=$(submitted)
cpu_after=$(gateway_cpu)
python3 - "$start" "$wrk_end" "$end" "$requests" "$non2xx" "$accepted" "$((now - before))" \
  "$cpu_before" "$cpu_after" <<'PY'
import sys
start, wrk_end, end = map(float, sys.argv[1:4])
requests, non2xx, accepted, submitted = map(int, sys.argv[4:8])
cpu = float(sys.argv[9]) - float(sys.argv[8])
print(f"wrk: {requests} requests, {non2xx} not 2xx, {requests / (wrk_end - start):,.0f} requests/s")
print(f"messages committed to the outbox: {accepted}; submitted over SMPP: {submitted}")
print(f"last submit {end - wrk_end:.2f} s after the load stopped")
print(f"end to end: {submitted / (end - start):,.0f} messages/s (accepted and submitted)")
print(f"gateway CPU: {cpu:.2f} s, {cpu / max(submitted, 1) * 1e6:.0f} us per message "
      "(HTTP, intake, dispatch, SMPP, receipts)")
PY
