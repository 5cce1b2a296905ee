#!/usr/bin/env bash
# Builds Jaeger (v2, the `jaeger` binary: OTLP in, query API /api/v3) from the Go module proxy and
# caches it; prints the binary's path. Jaeger publishes no Maven or Debian package, and this build
# has a placeholder UI: the query API is real, and it is what the tests use.
#   scripts/build-jaeger.sh            -> path of the cached binary, building it if needed
# JOBTRACE_CACHE overrides the cache directory (default ~/.cache/jobtrace).
set -euo pipefail

# The module path has no /v2; the v1.7x tags carry the v2 binary under cmd/jaeger. v1.75.0 (Jaeger
# 2.12.0) is the approved release served here; the newer v1.76.0 is served but not approved.
JAEGER_VERSION="${JAEGER_VERSION:-v1.75.0}"
cache="${JOBTRACE_CACHE:-$HOME/.cache/jobtrace}/jaeger-$JAEGER_VERSION"
bin="$cache/jaeger"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "build-jaeger: Go is needed to build Jaeger" >&2; exit 1; }
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

export GOFLAGS=-mod=mod
src="$(cd "$work" && go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$src" ] || { echo "build-jaeger: download of jaeger $JAEGER_VERSION failed" >&2; exit 1; }

# `go install` refuses modules with replace directives, so build inside a writable copy.
cp -r "$src" "$work/jaeger"
chmod -R u+w "$work/jaeger"
echo "build-jaeger: building jaeger $JAEGER_VERSION (several minutes on a small machine)" >&2
(cd "$work/jaeger" && go build -trimpath -ldflags "-s -w" -o "$bin.tmp" ./cmd/jaeger)
mv "$bin.tmp" "$bin"
echo "$bin"
