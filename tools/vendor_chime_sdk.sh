#!/bin/sh
# Rebuild static/vendor/amazon-chime-sdk/ (the Chime SDK browser bundle the meeting page loads
# with the aws backend) from the npm registry. Needs node and npm; nothing runs npm at run time
# or in CI: the bundle is committed.
#   tools/vendor_chime_sdk.sh [version]   (default: the 3.32 line)
set -eu
VERSION="${1:-3.32}"
ESBUILD_VERSION="0.25"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/static/vendor/amazon-chime-sdk"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --ignore-scripts \
    "amazon-chime-sdk-js@$VERSION" "esbuild@$ESBUILD_VERSION"
# esbuild's platform binary comes through an optional dependency; its install script is
# skipped above (--ignore-scripts), so let esbuild fetch or verify it now.
node node_modules/esbuild/install.js
printf '%s\n' \
    "import * as ChimeSDK from 'amazon-chime-sdk-js';" \
    "window.ChimeSDK = ChimeSDK;" > entry.js
node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --target=es2019 \
    --platform=browser --main-fields=browser,module,main --define:global=globalThis --legal-comments=none --outfile="$OUT/amazon-chime-sdk.min.js"
# The SDK embeds its worker's source with "//# sourceMappingURL=*.js.map" lines whose maps are
# not shipped; the static files manifest would look for them and fail: drop those lines.
sed -i -E 's@^//# sourceMappingURL=[A-Za-z]+\.js\.map$@@' "$OUT/amazon-chime-sdk.min.js"
cp node_modules/amazon-chime-sdk-js/LICENSE "$OUT/LICENSE"
VERSION_FOUND="$(node -p "require('amazon-chime-sdk-js/package.json').version")"
echo "amazon-chime-sdk-js $VERSION_FOUND (esbuild $(node_modules/.bin/esbuild --version))" > "$OUT/VERSION"
cat "$OUT/VERSION"
