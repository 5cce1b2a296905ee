#!/usr/bin/env bash
# Installs the Firefox Profiler's own command-line loader (@firefox-devtools/profiler-cli, from npm:
# the profiler's profile import and processing code, bundled for Node) and caches it; prints the
# path of its entry script. The linker's tests load their Firefox Profiler files with it, so a file
# the Firefox Profiler would refuse fails them.
#   scripts/firefox-profiler-cli.sh    -> path of profiler-cli.js, installing it if needed
# JOBTRACE_CACHE overrides the cache directory (default ~/.cache/jobtrace).
set -euo pipefail

VERSION="${FIREFOX_PROFILER_CLI_VERSION:-0.10.0}"
cache="${JOBTRACE_CACHE:-$HOME/.cache/jobtrace}/firefox-profiler-cli-$VERSION"
cli="$cache/node_modules/@firefox-devtools/profiler-cli/dist/profiler-cli.js"

if [ -f "$cli" ]; then
  echo "$cli"
  exit 0
fi

command -v npm >/dev/null || { echo "firefox-profiler-cli: Node.js with npm is needed" >&2; exit 1; }
mkdir -p "$cache"
# It asks for Node 24 and runs on Node 20, the oldest the tests are run with.
npm install --prefix "$cache" --no-audit --no-fund --loglevel=error --engine-strict=false \
  "@firefox-devtools/profiler-cli@$VERSION" >&2
[ -f "$cli" ] || { echo "firefox-profiler-cli: npm installed no $cli" >&2; exit 1; }
echo "$cli"
