#!/usr/bin/env bash
# Vendor the Amazon IVS web player (npm amazon-ivs-player) into static/vendor/amazon-ivs-player/.
#
# The npm package ships its prebuilt workers (amazon-ivs-worker.min.js, the WebAssembly worker
# and its .wasm) as they are, and its entry (dist/index.js) as CommonJS that names a few small
# packages; esbuild bundles that entry once, here, into one browser script that sets
# window.IVSPlayerPackage. The output is committed: nothing runs npm at run time or in CI.
set -euo pipefail

VERSION="${IVS_PLAYER_VERSION:-1.56.1}"
ESBUILD_VERSION="0.24.0"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/static/vendor/amazon-ivs-player"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
echo '{"private": true}' > package.json
npm install --silent --no-audit --no-fund \
  "amazon-ivs-player@$VERSION" "esbuild@$ESBUILD_VERSION" "events@3.3.0" >/dev/null
PKG="$TMP/node_modules/amazon-ivs-player"

mkdir -p "$OUT"
rm -f "$OUT"/*.js "$OUT"/*.wasm
npx --no-install esbuild "$PKG/dist/index.js" --bundle --minify --platform=browser \
  --format=iife --global-name=IVSPlayerPackage --log-level=warning \
  --outfile="$OUT/amazon-ivs-player.min.js"
cp "$PKG/dist/assets/amazon-ivs-worker.min.js" \
   "$PKG/dist/assets/amazon-ivs-wasmworker.min.js" \
   "$PKG/dist/assets/amazon-ivs-wasmworker.min.wasm" "$OUT/"
cp "$PKG/README.md" "$OUT/README.md"
cp "$PKG/package.json" "$OUT/package.json"
{
  echo "Amazon IVS Player Web SDK $VERSION (npm: amazon-ivs-player)"
  echo
  echo "License, as the package states it (package.json \"license\"):"
  sed -n 's/^  "license": "\(.*\)",$/  \1/p' "$PKG/package.json"
  echo
  echo "The package ships no license file of its own; its README says:"
  grep -i "license" "$PKG/README.md" | sed 's/^/  /'
  echo
  echo "amazon-ivs-player.min.js bundles the package's entry with its npm dependencies"
  echo "(each under its own license, see their notices in that file): built by"
  echo "tools/vendor_ivs_player.sh with esbuild $ESBUILD_VERSION."
} > "$OUT/LICENSE"
echo "amazon-ivs-player $VERSION" > "$OUT/VERSION"
cat "$OUT/VERSION"
