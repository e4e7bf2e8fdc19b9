#!/usr/bin/env bash
# Vendor uPlot (npm uplot: small, fast time-series charts) into static/vendor/uplot/ for the
# analytics dashboards. The package ships a ready browser build (IIFE setting window.uPlot) and
# its stylesheet; both are copied as they are, with the license. Nothing runs npm at run time.
set -euo pipefail

VERSION="${UPLOT_VERSION:-1.6.32}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/static/vendor/uplot"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
npm pack --silent "uplot@$VERSION" >/dev/null
tar -xzf uplot-*.tgz
mkdir -p "$OUT"
cp package/dist/uPlot.iife.min.js package/dist/uPlot.min.css package/LICENSE "$OUT/"
echo "uplot $VERSION" > "$OUT/VERSION"
cat "$OUT/VERSION"
