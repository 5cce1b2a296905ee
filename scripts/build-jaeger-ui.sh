#!/usr/bin/env bash
# Builds the real Jaeger UI (jaeger-ui, the React app) at the tag that matches the pinned Jaeger and
# caches its static assets; prints their directory, for jaeger_query's ui.assets_path (the
# JAEGER_UI_ASSETS variable of profiler-linker/jaeger/jaeger-config.yaml). The Jaeger that
# scripts/build-jaeger.sh builds from the Go module proxy has only a placeholder UI.
#   scripts/build-jaeger-ui.sh [SOURCE]   -> path of the cached assets, building them if needed
#   scripts/build-jaeger-ui.sh --check    -> path of the cached assets if built; otherwise exit 1
# SOURCE (or JAEGER_UI_SRC) is a jaeger-ui git repository, bare or with a work tree (the tag is
# exported from it), or a plain source directory of that version; without one, the tag is cloned
# from https://github.com/jaegertracing/jaeger-ui. Needs git, npm and Node (jaeger-ui asks for the
# Node major in its .nvmrc; an older Node here is swapped for that major from the npm registry).
# JOBTRACE_CACHE overrides the cache directory (default ~/.cache/jobtrace).
set -euo pipefail

# jaeger-ui is tagged like Jaeger itself (v1.75.0 is the UI of Jaeger v1.75.0 / v2.12.0), so the
# default follows JAEGER_VERSION, pinned in build-jaeger.sh.
here="$(cd "$(dirname "$0")" && pwd)"
pinned="$(sed -n 's/^JAEGER_VERSION="\${JAEGER_VERSION:-\(v[0-9.]*\)}"$/\1/p' "$here/build-jaeger.sh")"
JAEGER_UI_VERSION="${JAEGER_UI_VERSION:-${JAEGER_VERSION:-${pinned:-v1.75.0}}}"
cache="${JOBTRACE_CACHE:-$HOME/.cache/jobtrace}/jaeger-ui-$JAEGER_UI_VERSION"

check=false
source_arg=""
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    -*) echo "build-jaeger-ui: unknown option $arg" >&2; exit 2 ;;
    *) source_arg="$arg" ;;
  esac
done

if [ -f "$cache/index.html" ]; then
  echo "$cache"
  exit 0
fi
if $check; then
  echo "build-jaeger-ui: jaeger-ui $JAEGER_UI_VERSION is not built (run scripts/build-jaeger-ui.sh [jaeger-ui checkout])" >&2
  exit 1
fi

for tool in git npm node; do
  command -v "$tool" >/dev/null || { echo "build-jaeger-ui: $tool is needed to build jaeger-ui" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
src="$work/jaeger-ui"
mkdir -p "$src"

# The source of the tag, copied: the build writes node_modules and outputs into it.
source_dir="${source_arg:-${JAEGER_UI_SRC:-}}"
if [ -z "$source_dir" ]; then
  echo "build-jaeger-ui: cloning jaeger-ui $JAEGER_UI_VERSION" >&2
  git clone -q --depth 1 --branch "$JAEGER_UI_VERSION" https://github.com/jaegertracing/jaeger-ui "$work/clone" >&2
  git -C "$work/clone" archive "$JAEGER_UI_VERSION" | tar -x -C "$src"
elif git -C "$source_dir" rev-parse -q --verify "refs/tags/$JAEGER_UI_VERSION" >/dev/null 2>&1; then
  # A bare mirror or a work tree: the tag, not whatever is checked out.
  git -C "$source_dir" archive "$JAEGER_UI_VERSION" | tar -x -C "$src"
elif [ -f "$source_dir/packages/jaeger-ui/package.json" ]; then
  version="$(node -p "require('$source_dir/packages/jaeger-ui/package.json').version")"
  [ "v$version" = "$JAEGER_UI_VERSION" ] \
    || { echo "build-jaeger-ui: $source_dir is jaeger-ui $version, not $JAEGER_UI_VERSION" >&2; exit 1; }
  (cd "$source_dir" && tar -c --exclude=node_modules --exclude=.git .) | tar -x -C "$src"
else
  echo "build-jaeger-ui: $source_dir is neither a git repository with tag $JAEGER_UI_VERSION nor a jaeger-ui source directory" >&2
  exit 1
fi
[ -f "$src/packages/jaeger-ui/package.json" ] || { echo "build-jaeger-ui: no packages/jaeger-ui in the source" >&2; exit 1; }

# jaeger-ui's .npmrc has engine-strict=true and package.json asks for the Node of .nvmrc.
want="$(tr -dc '0-9.' < "$src/.nvmrc" | cut -d. -f1)"
have="$(node -p 'process.versions.node.split(".")[0]')"
if [ -n "$want" ] && [ "$have" -lt "$want" ]; then
  echo "build-jaeger-ui: Node $have here, jaeger-ui wants $want: installing node@$want from the npm registry" >&2
  npm install -q --no-save --no-package-lock --prefix "$work/node" "node@$want" >&2
  export PATH="$work/node/node_modules/.bin:$PATH"
  echo "build-jaeger-ui: using Node $(node --version)" >&2
fi

echo "build-jaeger-ui: building jaeger-ui $JAEGER_UI_VERSION (npm ci, then vite; a few minutes)" >&2
# No git repository here: husky (the prepare step) skips its hooks, the build's version stamp is empty.
(cd "$src" && npm ci --no-audit --no-fund >&2 && npm run build >&2)
out="$src/packages/jaeger-ui/build"
[ -f "$out/index.html" ] || { echo "build-jaeger-ui: the build left no $out/index.html" >&2; exit 1; }

mkdir -p "$(dirname "$cache")"
rm -rf "$cache.tmp"
cp -r "$out" "$cache.tmp"
mv "$cache.tmp" "$cache"
echo "$cache"
