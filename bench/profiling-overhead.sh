#!/usr/bin/env bash
# Prints the profiling overhead table quoted in the README:
#   bench/profiling-overhead.sh [launches per arm] [timed runs per launch]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp package -DskipTests
./mvnw -q -B -ntp -f otel-extension/pom.xml dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
ext=otel-extension/target
java -Djobtrace.agent.jar="$ext/jobtrace-agent.jar" \
     -Djobtrace.upstream.agent.jar="$ext/upstream/opentelemetry-javaagent.jar" \
     -cp "$ext/test-classes:$ext/classes:$(cat "$ext/bench.classpath")" \
     dev.jobtrace.it.bench.ProfilingOverhead "$@"
