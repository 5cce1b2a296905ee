#!/usr/bin/env bash
# The demo of docker-compose.yml without Docker: the same parts as local processes on the same ports
# (Jaeger query API 16686, OTLP 4318, profiler-linker 8090, worker 8081, partner-api 8082, JobRunr
# dashboard 8000, Prometheus 9090). Needs Go (Jaeger is built once from the Go module proxy) and
# Debian's prometheus package; PostgreSQL and Redis come from Maven artifacts. Jaeger serves the
# real UI once scripts/build-jaeger-ui.sh has built it.
# Ctrl-C stops everything.
#   scripts/demo-local.sh [scale]     scale shrinks the jobs (default 1.0)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v prometheus >/dev/null 2>&1 || [ -x /usr/bin/prometheus ] || {
  echo "demo-local: Prometheus is needed for the job metrics: install Debian's prometheus package (sudo apt-get install prometheus)" >&2
  exit 1
}
# One reactor build: the topology's class path takes the test harness from the jars just built.
./mvnw -q -B -ntp package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/topology.classpath
scripts/build-jaeger-ui.sh --check >/dev/null 2>&1 ||
  echo "demo-local: Jaeger serves its placeholder UI; scripts/build-jaeger-ui.sh [jaeger-ui checkout] builds the real one" >&2
exec java -Djobtrace.repo.dir="$PWD" -cp "e2e/target/classes:$(cat e2e/target/topology.classpath)" \
  dev.jobtrace.e2e.LocalTopology "$@"
