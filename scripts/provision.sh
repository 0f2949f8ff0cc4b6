#!/usr/bin/env bash
# Install what `make test` and `make run` need on a Debian 12 machine, as root.
# Idempotent: every step checks first and does nothing when its part is there,
# so a second run takes a second or two.
#
#   scripts/provision.sh            everything
#   scripts/provision.sh STEP...    host | venv | asterisk | web
#
# Asterisk 22 comes, in this order, from $ACD_ASTERISK, an `asterisk` on PATH, or
# Debian sid's package in a debootstrap chroot under .rig/sid (bookworm has none).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CHROOT="$ROOT/.rig/sid"
VENV="$ROOT/.venv"
PYTHON=${PYTHON:-python3}

say() { printf 'provision: %s\n' "$*"; }
die() { printf 'provision: error: %s\n' "$*" >&2; exit 1; }

apt_install() {
  [ $# -gt 0 ] || return 0
  [ "$(id -u)" = 0 ] || die "installing $* needs root (apt-get)"
  say "apt-get install $*"
  if [ ! -f "$ROOT/.rig/apt-updated" ]; then
    apt-get update -qq && mkdir -p "$ROOT/.rig" && touch "$ROOT/.rig/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

system_asterisk() {
  if [ -n "${ACD_ASTERISK:-}" ]; then echo "$ACD_ASTERISK"; return; fi
  type -P asterisk || true
}

step_host() {
  local want=()
  command -v redis-server >/dev/null || want+=(redis-server)
  command -v openssl >/dev/null || want+=(openssl)  # the rig's certificate for WSS
  command -v chromium >/dev/null || want+=(chromium)
  # Chinese glyphs for the pages' zh-CN text in the browser tests' screenshots
  [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || want+=(fonts-wqy-microhei)
  command -v npm >/dev/null || want+=(nodejs npm)
  "$PYTHON" -m venv --help >/dev/null 2>&1 || want+=(python3-venv)
  if [ -z "$(system_asterisk)" ] && [ ! -x "$CHROOT/usr/sbin/asterisk" ]; then
    command -v debootstrap >/dev/null || want+=(debootstrap)
  fi
  apt_install "${want[@]}"
}

step_venv() {
  local stamp="$VENV/.provisioned"
  if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then return; fi
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  say "pip install -e .[dev] into .venv"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -e '.[dev]'
  touch "$stamp"
}

debian_mirror() {
  local m
  m=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
  [ -n "$m" ] || m=$(awk '/^deb .*debian/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  echo "${m:-http://deb.debian.org/debian}"
}

step_asterisk() {
  if [ -n "$(system_asterisk)" ]; then say "using Asterisk at $(system_asterisk)"; return; fi
  [ -x "$CHROOT/usr/sbin/asterisk" ] && return
  local pkgs=asterisk,asterisk-moh-opsound-gsm,asterisk-core-sounds-en-gsm
  local mirror try
  mirror=$(debian_mirror)
  for try in 1 2; do
    say "debootstrap Debian sid with Asterisk into .rig/sid (about a minute, try $try)"
    umount "$CHROOT/proc" "$CHROOT/dev" 2>/dev/null || true
    rm -rf --one-file-system "$CHROOT"
    mkdir -p "$CHROOT"
    if debootstrap --variant=minbase --include="$pkgs" sid "$CHROOT" "$mirror" \
        >"$ROOT/.rig/debootstrap.log" 2>&1; then
      break
    fi
    [ "$try" = 2 ] && die "debootstrap of sid failed twice; sid may be mid-transition \
(asterisk uninstallable today). Last lines of .rig/debootstrap.log:
$(tail -n 15 "$ROOT/.rig/debootstrap.log")"
  done
  # Asterisk looks up the host name on every call; without /etc/hosts that is a DNS query.
  cp /etc/hosts "$CHROOT/etc/hosts"
  grep -qw "$(hostname)" "$CHROOT/etc/hosts" || echo "127.0.1.1 $(hostname)" >>"$CHROOT/etc/hosts"
  say "Asterisk $(chroot "$CHROOT" asterisk -V) ready in .rig/sid"
}

step_web() {
  [ -f web_softphone/package.json ] || return 0
  local stamp=web_softphone/node_modules/.provisioned
  if [ ! -f "$stamp" ] || [ ! "$stamp" -nt web_softphone/package-lock.json ]; then
    say "npm ci in web_softphone"
    (cd web_softphone && npm ci --silent --no-audit --no-fund)
    touch "$stamp"
  fi
  # the agent console (web_softphone/dist, served by acd): built again when its sources,
  # build script or locked dependencies change
  local built=web_softphone/dist/.sources sources
  sources=$(cd web_softphone && find src build.mjs package.json package-lock.json -type f -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  if [ -f "$built" ] && [ "$(cat "$built")" = "$sources" ]; then return; fi
  say "npm run build in web_softphone (the agent console)"
  (cd web_softphone && npm run --silent build)
  echo "$sources" >"$built"
}

[ $# -gt 0 ] || set -- host venv asterisk web
for step in "$@"; do
  case $step in
    host | venv | asterisk | web) "step_$step" ;;
    *) die "unknown step $step (host | venv | asterisk | web)" ;;
  esac
done
