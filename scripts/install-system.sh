#!/usr/bin/env bash
# Installs the Debian packages Zone Portal needs: for the demo, or for development and tests.
# Idempotent: asks apt only when a package is missing.
#
# Usage: scripts/install-system.sh            the demo's packages and the tests' (`make test`)
#        scripts/install-system.sh --demo     the demo's packages only (`make demo`: no browser,
#                                             no PostgreSQL, Redis or Varnish)
#        scripts/install-system.sh PACKAGE …  just these
#
# Uses sudo when not run as root (and sudo exists). Non-interactive; waits for the dpkg lock.
set -euo pipefail

# What `make demo` needs: SQLite (in Python), Elasticsearch, certificates, translations, the venv.
DEMO_PACKAGES=(
    openjdk-17-jre-headless maven unzip curl   # Elasticsearch: Java 17, fetched through Maven
    # PDF certificates (WeasyPrint) and Chinese fonts
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
    gettext               # compilemessages
    # the Python virtualenv and the Makefile
    python3 python3-venv make ca-certificates
)

# What only the tests (and development against the real services) need, on top of the demo's.
TEST_PACKAGES=(
    # local services
    postgresql            # server 15 on Debian 12; scripts/services.sh runs its own cluster
    redis-server
    # tests: browser, QR codes, PDF text
    chromium zbar-tools poppler-utils
    # the frontend cache in front of gunicorn (deploy/varnish.vcl; tests and the load benchmark)
    varnish
    # docker-compose.yml validation (`docker-compose config`; no engine needed)
    docker-compose
)

PACKAGES=("${DEMO_PACKAGES[@]}" "${TEST_PACKAGES[@]}")

log() { printf '[install-system] %s\n' "$*"; }
die() {
    printf '[install-system] ERROR: %s\n' "$*" >&2
    exit 1
}

if [ "${1:-}" = "--demo" ]; then
    PACKAGES=("${DEMO_PACKAGES[@]}")
elif [ $# -gt 0 ]; then
    PACKAGES=("$@")
fi

command -v dpkg-query >/dev/null 2>&1 ||
    die "this script supports Debian/Ubuntu only; install by hand: ${PACKAGES[*]}"

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [[ $status == ii* ]] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
    log "all ${#PACKAGES[@]} system packages are installed"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 ||
        die "not root and no sudo: install these packages as root: ${missing[*]}"
    SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

log "missing: ${missing[*]}"
log "apt-get update"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive "${APT[@]}" update -q </dev/null
log "apt-get install ${missing[*]}"
# --no-install-recommends: e.g. docker-compose would otherwise pull in the whole Docker engine.
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -q --no-install-recommends \
    "${missing[@]}" </dev/null
log "done"
