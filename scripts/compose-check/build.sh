#!/usr/bin/env bash
# Builds compose-check (main.go: docker compose's own loader, compose-go, over a compose file) from
# the Go module proxy and caches it; prints the binary's path. Rebuilt when main.go, go.mod or
# go.sum change.
#   scripts/compose-check/build.sh     -> path of the cached binary, building it if needed
# JOBTRACE_CACHE overrides the cache directory (default ~/.cache/jobtrace).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

key="$(cat "$here/main.go" "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-12)"
bin="${JOBTRACE_CACHE:-$HOME/.cache/jobtrace}/compose-check-$key/compose-check"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "compose-check: Go 1.24 or newer is needed to build it (see https://go.dev/doc/install)" >&2; exit 1; }
mkdir -p "$(dirname "$bin")"
echo "compose-check: building (about a minute the first time)" >&2
(cd "$here" && GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -ldflags "-s -w" -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
echo "$bin"
