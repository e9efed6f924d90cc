#!/usr/bin/env bash
# Installs the system packages the project needs, only where missing (Debian/Ubuntu):
#   font     a CJK font, so Chinese renders in charts and PDFs (fonts-wqy-microhei)
#   browser  Debian's chromium, for the real-browser tests
set -euo pipefail

packages=()
for need in "$@"; do
  case "$need" in
    font)    fc-list :lang=zh 2>/dev/null | grep -q . || packages+=(fonts-wqy-microhei fontconfig) ;;
    browser) command -v chromium >/dev/null 2>&1 || packages+=(chromium) ;;
    *) echo "setup-system.sh: unknown need '$need' (font, browser)" >&2; exit 2 ;;
  esac
done
[ ${#packages[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup-system.sh: need root or sudo to install ${packages[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup-system.sh: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null 2>&1 \
  || { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null; }
command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1 || true
