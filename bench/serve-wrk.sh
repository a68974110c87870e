#!/usr/bin/env bash
# The REST service under load from a second process: wrk (Debian's package) against `lethe serve` on
# loopback, on a scratch copy of a SISA store. Measures
#   1. /v1/predict, one vector per call: one connection, then 8 (p50/p90/p99/p99.9, calls/s);
#   2. /v1/predict, 100 vectors per call, 8 connections (predictions/s);
#   3. forget-request intake, 32 connections, each 202 after the fsync'd ledger insert (requests/s);
#      then checks that the ledger holds exactly as many requests as were acknowledged;
#   4. one subject's erasure, from the POST to "done" (batch window, retrain, switch, purge, receipt).
#
#   bench/serve-wrk.sh STORE [SUBJECT] [SECONDS]
#
# STORE: a SISA store made with --assign subject (e.g. ./lethe train --sisa --dataset mnist ...
# --shards 10 --slices 5 --assign subject --subjects 1000 --store /tmp/mnist-sisa). Needs wrk, curl, python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="${1:?usage: bench/serve-wrk.sh STORE [SUBJECT] [SECONDS]}"
SUBJECT="${2:-subject-7}"
SECONDS_EACH="${3:-15}"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
"$ROOT/lethe" --version >/dev/null   # builds the CLI once, outside the timings

WORK="$(mktemp -d)"
trap 'kill "${SERVER:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
cp -r "$SRC" "$WORK/store"
rm -f "$WORK/store/.lock"
token() { "$ROOT/lethe" tokens create --store "$WORK/store" --role "$1" --name "$2" --json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
ADMIN="$(token admin wrk-admin)"
CLIENT="$(token client wrk-client)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$ROOT/lethe" serve --store "$WORK/store" --port "$PORT" > "$WORK/server.log" 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do curl -sf "$URL/v1/health" >/dev/null && break; sleep 0.5; done
curl -sf "$URL/v1/health" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

WIDTH="$(curl -sf -H "Authorization: Bearer $ADMIN" "$URL/v1/models/current" \
  | python3 -c 'import json,sys,math; print(math.prod(json.load(sys.stdin)["config"]["model"]["inputShape"]))')"
python3 - "$WORK" "$WIDTH" <<'PY'
import json, random, sys
work, width = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
vec = lambda: [round(rnd.random(), 4) for _ in range(width)]
json.dump({"features": vec()}, open(f"{work}/one.json", "w"))
json.dump({"instances": [vec() for _ in range(100)]}, open(f"{work}/batch.json", "w"))
PY

echo "== store $(basename "$SRC"), input width $WIDTH, ${SECONDS_EACH}s per run"
# warm-up: JIT and the models' first forward passes
TOKEN="$CLIENT" BODY="$WORK/one.json" wrk -t1 -c1 -d5s -s "$ROOT/bench/wrk/predict.lua" "$URL/v1/predict" >/dev/null
TOKEN="$CLIENT" BODY="$WORK/batch.json" wrk -t1 -c2 -d3s -s "$ROOT/bench/wrk/predict.lua" "$URL/v1/predict" >/dev/null
echo "== predict, one vector per call, 1 connection"
TOKEN="$CLIENT" BODY="$WORK/one.json" wrk -t1 -c1 -d"${SECONDS_EACH}s" -s "$ROOT/bench/wrk/predict.lua" "$URL/v1/predict"
echo "== predict, one vector per call, 8 connections"
TOKEN="$CLIENT" BODY="$WORK/one.json" wrk -t2 -c8 -d"${SECONDS_EACH}s" -s "$ROOT/bench/wrk/predict.lua" "$URL/v1/predict"
echo "== predict, 100 vectors per call, 8 connections (predictions/s = requests/s x 100)"
TOKEN="$CLIENT" BODY="$WORK/batch.json" wrk -t2 -c8 -d"${SECONDS_EACH}s" -s "$ROOT/bench/wrk/predict.lua" "$URL/v1/predict"

echo "== forget-request intake, 32 connections"
TOKEN="$ADMIN" RUN="$$" wrk -t2 -c32 -d"${SECONDS_EACH}s" -s "$ROOT/bench/wrk/intake.lua" "$URL/v1/forget-requests" | tee "$WORK/intake.txt"
ACKED="$(sed -n 's/^status 202: //p' "$WORK/intake.txt")"
DRAIN_START=$(date +%s.%N)
for _ in $(seq 1 1200); do
  DEPTH="$(curl -sf -H "Authorization: Bearer $ADMIN" "$URL/v1/metrics" | sed -n 's/^lethe_forget_queue_depth \([0-9.e+]*\)$/\1/p')"
  python3 -c "import sys; sys.exit(0 if float('$DEPTH') == 0 else 1)" && break; sleep 0.25
done
echo "queue drained $(python3 -c "print(f'{$(date +%s.%N)-$DRAIN_START:.2f}')") s after the load ended"
python3 - "$WORK/store/ledger.db" "$ACKED" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
rows = db.execute("SELECT status, COUNT(*), COUNT(DISTINCT idempotency_key) FROM requests WHERE reason = 'wrk intake' GROUP BY status").fetchall()
total = sum(r[1] for r in rows)
acked = int(sys.argv[2])
# wrk stops with up to one request per connection in flight: the server may have accepted those unseen
ok = 0 <= total - acked <= 32 and all(r[1] == r[2] for r in rows)
print("ledger:", {r[0]: r[1] for r in rows}, f"- acknowledged {acked}, recorded {total}",
      f"({total - acked} in flight when wrk stopped), one per key:" , "OK" if ok else "MISMATCH")
PY

echo "== one subject's erasure: $SUBJECT"
START=$(date +%s.%N)
ID="$(curl -sf -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d "{\"subjectIds\":[\"$SUBJECT\"],\"reason\":\"wrk erasure\"}" "$URL/v1/forget-requests" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
while :; do
  STATUS="$(curl -sf -H "Authorization: Bearer $ADMIN" "$URL/v1/forget-requests/$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')"
  [ "$STATUS" = done ] || [ "$STATUS" = failed ] && break
  sleep 0.05
done
END=$(date +%s.%N)
echo "erasure $ID: $STATUS after $(python3 -c "print(f'{$END-$START:.2f}')") s"
curl -sf -H "Authorization: Bearer $ADMIN" "$URL/v1/forget-requests/$ID" | python3 -c '
import json,sys; r=json.load(sys.stdin).get("receipt") or {}
print("receipt: shards retrained", [x.get("shard") for x in r.get("retrained", [])], "batch seconds", r.get("batchSeconds"))'
