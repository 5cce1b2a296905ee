#!/usr/bin/env bash
# The end-to-end suite: the demo topology as local processes (Jaeger built by scripts/build-jaeger.sh,
# PostgreSQL, Redis, profiler-linker, partner-api and example-jobs under jobtrace-agent.jar), every
# example job enqueued slow and fixed, checked through Jaeger's query API and the linker's pages.
# Logs of every process: e2e/target/e2e-logs/. Called by .ci/run after the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp verify -pl e2e -am -Djobtrace.e2e.skip=false \
  -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=EndToEndIT -Dfailsafe.failIfNoSpecifiedTests=false "$@"
