#!/usr/bin/env bash
# `npm run engine:install`: builds Centrifugo from the Go module proxy into .cache/bin (needs Go).
set -euo pipefail
VERSION=6.9.1
cd "$(dirname "$0")/.."
BIN=.cache/bin/centrifugo

if [ -x "$BIN" ] && "$BIN" version 2>/dev/null | grep -q "v$VERSION"; then
  echo "Centrifugo $VERSION is already in $BIN"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "Go is needed to build Centrifugo $VERSION (https://go.dev/dl/), or set CENTRIFUGO_BIN to a centrifugo binary." >&2
  exit 1
fi
mkdir -p .cache/bin
echo "Building Centrifugo $VERSION into $BIN (first build takes a few minutes)"
GOBIN="$PWD/.cache/bin" go install \
  -ldflags "-X github.com/centrifugal/centrifugo/v6/internal/build.Version=$VERSION" \
  "github.com/centrifugal/centrifugo/v6@v$VERSION"
"$BIN" version
