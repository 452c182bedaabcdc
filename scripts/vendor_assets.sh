#!/usr/bin/env bash
# Fetch pinned front-end packages from the npm registry and copy their dist files into
# app/static/vendor/. Run by hand when a version changes; the copies are committed so the
# app (and the PWA) never loads anything from a CDN. Versions are recorded in VERSIONS.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES=(
  "leaflet@1.9.4"
  "leaflet.markercluster@1.5.3"
  "@geoman-io/leaflet-geoman-free@2.20.2"
  "htmx.org@2.0.8"
  "htmx-ext-head-support@2.0.5"
  "axe-core@4.14.1"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts -E "${PACKAGES[@]}" >/dev/null)
nm="$work/node_modules"
dest=app/static/vendor
rm -rf "$dest"; mkdir -p "$dest"/{leaflet,markercluster,geoman,htmx}
cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" "$dest/leaflet/"
cp -r "$nm/leaflet/dist/images" "$dest/leaflet/"
cp "$nm/leaflet.markercluster/dist/leaflet.markercluster.js" \
   "$nm/leaflet.markercluster/dist/MarkerCluster.css" \
   "$nm/leaflet.markercluster/dist/MarkerCluster.Default.css" "$dest/markercluster/"
cp "$nm/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.js" \
   "$nm/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css" "$dest/geoman/"
cp "$nm/htmx.org/dist/htmx.min.js" "$dest/htmx/"
cp "$nm/htmx-ext-head-support/head-support.js" "$dest/htmx/head-support.js"
# axe-core is used only by the browser tests; it is not served.
mkdir -p tests/e2e/vendor
cp "$nm/axe-core/axe.min.js" tests/e2e/vendor/
{
  echo "# Vendored front-end packages (scripts/vendor_assets.sh), from the npm registry"
  for p in "${PACKAGES[@]}"; do echo "$p"; done
} > "$dest/VERSIONS.txt"
cp "$nm/leaflet/LICENSE" "$dest/leaflet/LICENSE"
cp "$nm/leaflet.markercluster/MIT-LICENCE.txt" "$dest/markercluster/LICENSE" 2>/dev/null || true
cp "$nm/@geoman-io/leaflet-geoman-free/LICENSE" "$dest/geoman/LICENSE" 2>/dev/null || true
cp "$nm/htmx.org/LICENSE" "$dest/htmx/LICENSE" 2>/dev/null || true
echo "vendored into $dest"
