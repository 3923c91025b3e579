#!/usr/bin/env bash
# `make demo`: a local S3 (moto's server) holding two bundles, a local API reading each from there
# with MODEL_URI=s3://...: real Snowplow sessions scored by the session model (POST /score), and
# listings by MLeap's airbnb price model (POST /transform, /invocations). Stops all it started.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
S3_PORT=$(free_port)
API_PORT=$(free_port)
ROWS_PORT=$(free_port)
AIRBNB=../shared/mleap-reference/airbnb.model.lr.zip

# NOTE: the demo shows where each model came from: MODEL_DETAILS=full (deployed default: minimal).
export MODEL_DETAILS=full
# NOTE: moto accepts any credentials; these keep boto3 from looking for real ones.
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL_S3="http://127.0.0.1:${S3_PORT}"

echo "== local S3 (moto) on ${AWS_ENDPOINT_URL_S3}"
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
"$PY" handler/demo.py wait "${AWS_ENDPOINT_URL_S3}/"
"$PY" handler/demo.py upload --bucket snowleap-demo --key models/snowleap.zip

echo "== local API on http://127.0.0.1:${API_PORT} (MODEL_URI=s3://snowleap-demo/models/snowleap.zip)"
MODEL_URI=s3://snowleap-demo/models/snowleap.zip MODEL_CACHE_DIR="$WORK/model-cache" \
  SESSION_SALT=demo-salt "$PY" handler/local.py serve --port "$API_PORT" >"$WORK/api.log" 2>&1 &
PIDS+=($!)
"$PY" handler/demo.py wait "http://127.0.0.1:${API_PORT}/health"

"$PY" handler/demo.py send "http://127.0.0.1:${API_PORT}"

if [[ -f "$AIRBNB" ]]; then
  echo
  "$PY" handler/demo.py upload --bucket snowleap-demo --key models/airbnb.zip --bundle "$AIRBNB"
  echo "== local API on http://127.0.0.1:${ROWS_PORT} (MODEL_URI=s3://snowleap-demo/models/airbnb.zip)"
  MODEL_URI=s3://snowleap-demo/models/airbnb.zip MODEL_CACHE_DIR="$WORK/rows-cache" \
    "$PY" handler/local.py serve --port "$ROWS_PORT" >"$WORK/rows-api.log" 2>&1 &
  PIDS+=($!)
  "$PY" handler/demo.py wait "http://127.0.0.1:${ROWS_PORT}/health"
  "$PY" handler/demo.py send-rows "http://127.0.0.1:${ROWS_PORT}"
else
  echo "(no $AIRBNB beside the repository: the any-pipeline part of the demo is skipped)"
fi
echo "== stopping the local API and S3"
