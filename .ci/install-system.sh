#!/usr/bin/env bash
# Install the Debian packages clausegraph's tests need (run as root, or with sudo available):
#   - chromium (+ chromium-driver): headless browser that Playwright drives via
#     executable_path=/usr/bin/chromium (Playwright never downloads its own browser)
#   - virtuoso-opensource: virtuoso-t + isql-vt for tests/support/virtuoso.py
#   - fonts-dejavu-core, fonts-liberation: so screenshots render text
#
# Idempotent: when everything is already installed it only checks and says so
# (set CG_APT_FORCE=1 to run apt-get update/install anyway). Exits non-zero on failure.
# Never starts Virtuoso's or any other system service (the tests start their own).
set -euo pipefail

PACKAGES=(
  chromium
  chromium-driver
  virtuoso-opensource
  fonts-dejavu-core
  fonts-liberation
)
# Binaries that must exist afterwards.
REQUIRED_BINARIES=(/usr/bin/chromium /usr/bin/virtuoso-t /usr/bin/isql-vt)

log() { printf '[install-system] %s\n' "$*" >&2; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    log "must run as root (or with sudo available)"
    exit 1
  fi
fi

missing_packages() {
  local p status
  for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    case "$status" in
      ii*) ;;
      *) printf '%s\n' "$p" ;;
    esac
  done
}

check_binaries() {
  local b ok=0
  for b in "${REQUIRED_BINARIES[@]}"; do
    if [ ! -x "$b" ]; then
      log "missing after install: $b"
      ok=1
    fi
  done
  return "$ok"
}

report_versions() {
  local c v
  c=$({ /usr/bin/chromium --version 2>/dev/null || true; } | head -n1)
  v=$({ /usr/bin/virtuoso-t --help 2>&1 || true; } | sed -n 's/^Version \([^ ]*\).*/\1/p' | head -n1)
  log "chromium: ${c:-?}"
  log "virtuoso-t: ${v:-?}"
}

mapfile -t MISSING < <(missing_packages)

if [ "${#MISSING[@]}" -eq 0 ] && [ "${CG_APT_FORCE:-0}" != "1" ] && check_binaries 2>/dev/null; then
  log "all system packages already installed: ${PACKAGES[*]}"
  report_versions
  exit 0
fi

if [ "${#MISSING[@]}" -gt 0 ]; then
  log "installing: ${MISSING[*]}"
else
  log "CG_APT_FORCE=1: running apt-get anyway"
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=600
          -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# Keep package scripts from starting services (Virtuoso's postinst would start a
# server on ports 1111/8890). Only if no policy is installed yet, and only
# for the duration of this script.
POLICY=/usr/sbin/policy-rc.d
REMOVE_POLICY=0
cleanup() {
  if [ "$REMOVE_POLICY" = 1 ]; then
    "${SUDO[@]}" rm -f "$POLICY" || true
  fi
}
trap cleanup EXIT
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 755 "$POLICY"
  REMOVE_POLICY=1
fi

APTLOG=$(mktemp /tmp/install-system-apt.XXXXXX.log)
run_apt() {
  # quiet-ish: full output goes to $APTLOG, and is shown only on failure
  if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" "$@" >>"$APTLOG" 2>&1; then
    log "apt-get $* failed; last lines of $APTLOG:"
    tail -n 40 "$APTLOG" >&2
    return 1
  fi
}

updated=0
for attempt in 1 2 3; do
  if run_apt update; then updated=1; break; fi
  log "apt-get update failed (attempt $attempt), retrying"
  sleep $((attempt * 5))
done
[ "$updated" = 1 ] || { log "apt-get update failed"; exit 1; }

run_apt install --no-install-recommends "${PACKAGES[@]}"

mapfile -t STILL_MISSING < <(missing_packages)
if [ "${#STILL_MISSING[@]}" -gt 0 ]; then
  log "still not installed: ${STILL_MISSING[*]}"
  exit 1
fi
check_binaries
report_versions
rm -f "$APTLOG"
log "done"
