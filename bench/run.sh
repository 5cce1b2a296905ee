#!/usr/bin/env bash
# Prints one of the README's benchmark tables:
#   bench/run.sh example-jobs [timed runs per job and variant] [scale]
#       the five example jobs with no agent, the upstream agent and jobtrace, as local processes
#       (needs Go for Jaeger and PostgreSQL's server binaries, like scripts/e2e.sh)
#   bench/run.sh profiling-overhead [launches per arm] [timed runs per launch] [jobs: cpu,io,cpu-vt,io-vt,lock]
#   bench/run.sh trace-size [launches per agent]
#   bench/run.sh per-call-cost [launches per agent] [timed jobs per launch] [redis|jdbc]
#   bench/run.sh spring-batch [launches per agent] [timed jobs per launch]
#   bench/run.sh capacity [timed runs per job and variant] [scale]
#       what a job trace costs Jaeger on OpenSearch: bytes sent and stored, CPU, fleet sizing
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  example-jobs) module=e2e main=dev.jobtrace.e2e.bench.ExampleJobsBench ;;
  profiling-overhead) module=otel-extension main=dev.jobtrace.it.bench.ProfilingOverhead ;;
  trace-size) module=otel-extension main=dev.jobtrace.it.bench.TraceSize ;;
  per-call-cost) module=otel-extension main=dev.jobtrace.it.bench.PerCallCost ;;
  spring-batch) module=it-spring-batch-5 main=dev.jobtrace.it.bench.SpringBatchCost ;;
  capacity) module=e2e main=dev.jobtrace.e2e.bench.Capacity ;;
  *) echo "usage: bench/run.sh example-jobs|profiling-overhead|trace-size|per-call-cost|spring-batch|capacity [args]" >&2; exit 2 ;;
esac
shift
./mvnw -q -B -ntp install -DskipTests
./mvnw -q -B -ntp -f "$module/pom.xml" dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
ext=otel-extension/target
java -Djobtrace.repo.dir="$PWD" \
     -Djobtrace.agent.jar="$ext/jobtrace-agent.jar" \
     -Djobtrace.upstream.agent.jar="$ext/upstream/opentelemetry-javaagent.jar" \
     -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
     "$main" "$@"
