#!/usr/bin/env bash
# The tests, from a clean clone: gets what they need that no Maven artifact carries, then runs
# ./mvnw verify on JDK 17 (the JVM on the PATH or JAVA_HOME) and on a JDK 25, then the end-to-end
# suite (scripts/e2e.sh) on each. What it cannot get, it names in one line and stops at once.
#   scripts/test.sh
# PostgreSQL and Redis come from Maven artifacts, Chromium and Prometheus from Debian's packages,
# Maven itself from the wrapper, Jaeger and the fleet's gateway collector are built from the Go
# module proxy (scripts/build-jaeger.sh, scripts/build-collector.sh, run by the tests that need them),
# the Firefox Profiler's loader from npm (scripts/firefox-profiler-cli.sh), a Java 11 runtime comes from PyPI
# (scripts/java11-runtime.sh). JOBTRACE_JDK25 names the JDK 25 when it is not under /usr/lib/jvm;
# JAEGER_UI_SRC a jaeger-ui checkout to build the real Jaeger UI from (scripts/build-jaeger-ui.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

missing() {
  echo "scripts/test.sh: $1" >&2
  exit 1
}

# Chromium (the linker's browser tests drive it headless) and Prometheus (the jobs page and the
# end-to-end suite read the job metrics from it): no registry here carries either but Debian's, so
# install those packages when this runs as root with apt, and stop otherwise.
debian_packages=()
command -v chromium >/dev/null 2>&1 || debian_packages+=(chromium)
command -v prometheus >/dev/null 2>&1 || [ -x /usr/bin/prometheus ] || debian_packages+=(prometheus)
if [ "${#debian_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh: installing Debian's ${debian_packages[*]} for the tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q "${debian_packages[@]}" >&2
  else
    missing "Debian's ${debian_packages[*]} are needed for the browser and metrics tests (sudo apt-get install ${debian_packages[*]})"
  fi
fi

# Go builds Jaeger once (cached in ~/.cache/jobtrace); Jaeger v1.75 needs Go 1.24 or newer.
if ! command -v go >/dev/null 2>&1; then
  missing "Go 1.24 or newer is needed to build Jaeger for the tests: see https://go.dev/doc/install"
fi
go_minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
[ "${go_minor:-0}" -ge 24 ] || missing "Go 1.24 or newer is needed to build Jaeger for the tests; this is $(go env GOVERSION)"

# npm installs the Firefox Profiler's own loader (scripts/firefox-profiler-cli.sh), which the
# linker's tests open their Firefox Profiler files with.
command -v npm >/dev/null 2>&1 ||
  missing "Node.js 20 or newer with npm is needed for the Firefox Profiler loader the linker's tests use"

python3 -m pip --version >/dev/null 2>&1 ||
  missing "Python 3 with pip is needed for scripts/java11-runtime.sh (Debian: apt-get install python3-pip)"

java_major=$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -XshowSettings:properties -version 2>&1 |
  sed -n 's/^ *java.specification.version = //p')
[ "$java_major" = 17 ] || missing "JDK 17 is needed as the default JVM (JAVA_HOME or java on the PATH); this is Java ${java_major:-unknown}"
jdk25="${JOBTRACE_JDK25:-$(ls -d /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/*-25-* 2>/dev/null | head -1 || true)}"
[ -n "$jdk25" ] && [ -x "$jdk25/bin/java" ] ||
  missing "a JDK 25 is needed (every feature is tested on JDK 17 and 25): install one (e.g. Temurin 25 from adoptium.net) under /usr/lib/jvm or name it in JOBTRACE_JDK25"

# The real Jaeger UI (jaeger-ui, built with npm from its source): the browser test that clicks from
# Jaeger's search to the linker runs whenever it is built. Built here when a source is given.
if [ -n "${JAEGER_UI_SRC:-}" ]; then
  scripts/build-jaeger-ui.sh "$JAEGER_UI_SRC" >/dev/null
elif ! scripts/build-jaeger-ui.sh --check >/dev/null 2>&1; then
  echo "scripts/test.sh: the real Jaeger UI is not built, so its browser test is skipped (JAEGER_UI_SRC=<jaeger-ui checkout> builds it)" >&2
fi

# Every feature on the oldest and the newest JVM supported; on JDK 25, JobRunr runs jobs on
# virtual threads.
./mvnw verify -B -ntp
JAVA_HOME="$jdk25" ./mvnw verify -B -ntp

# The demo topology as local processes, every example job slow and fixed, checked through Jaeger's
# query API and the profiler-linker; again on each JVM.
scripts/e2e.sh
JAVA_HOME="$jdk25" scripts/e2e.sh
