#!/usr/bin/env bash
# Installs what BanBot needs on a Debian/Ubuntu machine with Node 20+: fail2ban (for the sandboxed
# demo and the tests; BanBot itself only needs a running fail2ban somewhere), nats-server (for the
# fleet's tests) and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# nats-server: the fleet's tests start their own on loopback (production fleets use a current
# upstream release or the official image: docs/fleet.md). Debian installs it in /usr/sbin.
missing=()
command -v fail2ban-server >/dev/null 2>&1 || missing+=(fail2ban)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian's packages…"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages enable system services where systemd runs; BanBot's demo and tests never need them.
fi

# better-sqlite3 compiles from source when no prebuilt binary can be fetched; point node-gyp at the
# system's Node headers instead of letting it try to download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
npm ci --no-audit --no-fund
