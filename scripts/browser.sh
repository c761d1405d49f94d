#!/usr/bin/env bash
# Makes sure a Chromium for the dashboard's browser tests (playwright-core drives it) is
# installed: Debian's package, since Playwright's own browser download cannot be reached
# here. Prints its path. MOSAIC_CHROMIUM names another binary and skips the install.
set -euo pipefail

chromium=${MOSAIC_CHROMIUM:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
  echo "[browser] $chromium"
  exit 0
fi
if [ -n "${MOSAIC_CHROMIUM:-}" ]; then
  echo "[browser] MOSAIC_CHROMIUM=$chromium is not an executable" >&2
  exit 1
fi
command -v apt-get >/dev/null || { echo '[browser] no chromium and no apt-get to install it' >&2; exit 1; }
# As root, apt-get itself; otherwise sudo without a password prompt (-n: fail, never hang
# a CI run), with the environment given through env (sudo resets it).
as_root=(env DEBIAN_FRONTEND=noninteractive)
[ "$(id -u)" = 0 ] || as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
echo '[browser] installing Debian chromium (apt-get)'
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends \
  chromium fonts-liberation fonts-dejavu-core >/dev/null
if [ ! -x "$chromium" ]; then
  echo "[browser] installed, but $chromium is not there: set MOSAIC_CHROMIUM to the browser" >&2
  exit 1
fi
echo "[browser] $chromium"
