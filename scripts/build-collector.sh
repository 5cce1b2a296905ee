#!/usr/bin/env bash
# Builds an OpenTelemetry Collector (the `otelcol` binary) for the gateway tier from the Go module
# proxy and caches it; prints the binary's path. Workers send it OTLP; it load-balances spans by
# trace id over several Jaegers (so each one's tail sampling sees whole traces) and keeps them in a
# persistent sending queue on disk while the backends are down. No distribution with exactly these
# components is published as a package, and the builder (ocb) of this release is not served, so the
# script writes the Go files that ocb would generate (main.go, components.go, go.mod) itself.
#   scripts/build-collector.sh         -> path of the cached binary, building it if needed
# JOBTRACE_CACHE overrides the cache directory (default ~/.cache/jobtrace).
set -euo pipefail

# A release next to Jaeger's own (v1.75.0 is built on v0.139.0), so many modules are already in the
# module cache. Keep every collector module at one release: contrib v0.X.Y goes with core v0.X.0
# and stable core v1.(X-94).0.
OTELCOL_VERSION="${OTELCOL_VERSION:-v0.140.1}"
OTELCOL_CORE_VERSION="${OTELCOL_CORE_VERSION:-v0.140.0}"
OTELCOL_STABLE_VERSION="${OTELCOL_STABLE_VERSION:-v1.46.0}"
cache="${JOBTRACE_CACHE:-$HOME/.cache/jobtrace}/otelcol-$OTELCOL_VERSION"
bin="$cache/otelcol"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "build-collector: Go is needed to build the collector" >&2; exit 1; }
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

core=go.opentelemetry.io/collector
contrib=github.com/open-telemetry/opentelemetry-collector-contrib
cat >"$work/go.mod" <<EOF
module jobtrace/otelcol

go 1.24.0

require (
	$core/component $OTELCOL_STABLE_VERSION
	$core/confmap $OTELCOL_STABLE_VERSION
	$core/confmap/provider/envprovider $OTELCOL_STABLE_VERSION
	$core/confmap/provider/fileprovider $OTELCOL_STABLE_VERSION
	$core/confmap/provider/yamlprovider $OTELCOL_STABLE_VERSION
	$core/connector $OTELCOL_CORE_VERSION
	$core/exporter $OTELCOL_STABLE_VERSION
	$core/exporter/debugexporter $OTELCOL_CORE_VERSION
	$core/exporter/otlpexporter $OTELCOL_CORE_VERSION
	$core/exporter/otlphttpexporter $OTELCOL_CORE_VERSION
	$core/extension $OTELCOL_STABLE_VERSION
	$core/otelcol $OTELCOL_CORE_VERSION
	$core/processor $OTELCOL_STABLE_VERSION
	$core/processor/batchprocessor $OTELCOL_CORE_VERSION
	$core/processor/memorylimiterprocessor $OTELCOL_CORE_VERSION
	$core/receiver $OTELCOL_STABLE_VERSION
	$core/receiver/otlpreceiver $OTELCOL_CORE_VERSION
	$core/service $OTELCOL_CORE_VERSION
	$contrib/exporter/loadbalancingexporter $OTELCOL_VERSION
	$contrib/extension/healthcheckv2extension $OTELCOL_VERSION
	$contrib/extension/storage/filestorage $OTELCOL_VERSION
)
EOF

cat >"$work/main.go" <<EOF
package main

import (
	"log"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.opentelemetry.io/collector/otelcol"
)

func main() {
	settings := otelcol.CollectorSettings{
		BuildInfo: component.BuildInfo{
			Command:     "otelcol",
			Description: "jobtrace gateway collector",
			Version:     "$OTELCOL_VERSION",
		},
		Factories: components,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{
			ResolverSettings: confmap.ResolverSettings{
				ProviderFactories: []confmap.ProviderFactory{
					envprovider.NewFactory(), fileprovider.NewFactory(), yamlprovider.NewFactory(),
				},
			},
		},
	}
	if err := otelcol.NewCommand(settings).Execute(); err != nil {
		log.Fatal(err)
	}
}
EOF

cat >"$work/components.go" <<EOF
package main

import (
	"errors"

	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/debugexporter"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/batchprocessor"
	"go.opentelemetry.io/collector/processor/memorylimiterprocessor"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"

	"github.com/open-telemetry/opentelemetry-collector-contrib/exporter/loadbalancingexporter"
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckv2extension"
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
)

func components() (otelcol.Factories, error) {
	var errs [4]error
	f := otelcol.Factories{Telemetry: otelconftelemetry.NewFactory()}
	f.Receivers, errs[0] = otelcol.MakeFactoryMap[receiver.Factory](otlpreceiver.NewFactory())
	f.Processors, errs[1] = otelcol.MakeFactoryMap[processor.Factory](
		batchprocessor.NewFactory(), memorylimiterprocessor.NewFactory())
	f.Exporters, errs[2] = otelcol.MakeFactoryMap[exporter.Factory](
		otlpexporter.NewFactory(), otlphttpexporter.NewFactory(),
		loadbalancingexporter.NewFactory(), debugexporter.NewFactory())
	f.Extensions, errs[3] = otelcol.MakeFactoryMap[extension.Factory](
		filestorage.NewFactory(), healthcheckv2extension.NewFactory())
	return f, errors.Join(errs[:]...)
}
EOF

export GOFLAGS=-mod=mod
echo "build-collector: resolving modules of collector $OTELCOL_VERSION" >&2
(cd "$work" && go mod tidy)
echo "build-collector: building otelcol $OTELCOL_VERSION (several minutes on a small machine)" >&2
(cd "$work" && go build -trimpath -ldflags "-s -w" -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
echo "$bin"
