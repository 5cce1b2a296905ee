#!/usr/bin/env bash
# Prints one of the README's benchmark tables:
#   bench/run.sh profiling-overhead [launches per arm] [timed runs per launch]
#   bench/run.sh trace-size [launches per agent]
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  profiling-overhead) main=ProfilingOverhead ;;
  trace-size) main=TraceSize ;;
  *) echo "usage: bench/run.sh profiling-overhead|trace-size [args]" >&2; exit 2 ;;
esac
shift
./mvnw -q -B -ntp package -DskipTests
./mvnw -q -B -ntp -f otel-extension/pom.xml dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
ext=otel-extension/target
java -Djobtrace.agent.jar="$ext/jobtrace-agent.jar" \
     -Djobtrace.upstream.agent.jar="$ext/upstream/opentelemetry-javaagent.jar" \
     -cp "$ext/test-classes:$ext/classes:$(cat "$ext/bench.classpath")" \
     "dev.jobtrace.it.bench.$main" "$@"
