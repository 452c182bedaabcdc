#!/usr/bin/env bash
# System tools the test suite drives, from Debian's packages, installed when missing:
# Chromium for the browser tests (never Playwright's own download), poppler's pdftotext to
# read PDFs back, LibreOffice to prove DOCX/XLSX exports open cleanly.
set -euo pipefail
declare -A NEED=(
  [chromium]="chromium fonts-liberation"
  [pdftotext]="poppler-utils"
  [soffice]="libreoffice-writer-nogui libreoffice-calc-nogui"
)
missing=()
for tool in "${!NEED[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=(${NEED[$tool]})
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing test tools from Debian: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
