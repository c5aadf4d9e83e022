#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine and without any real secret:
# `docker-compose config -q` with a throwaway env file that sets every required variable.
#
# Usage: scripts/compose-check.sh
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_DIR"

if command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)          # Debian 12: the Python v1 tool (1.29.x)
elif docker compose version >/dev/null 2>&1; then
    compose=(docker compose)          # Compose v2 plugin
else
    echo "[compose-check] ERROR: neither docker-compose nor 'docker compose' found; run scripts/install-system.sh" >&2
    exit 1
fi

envfile=$(mktemp "${TMPDIR:-/tmp}/zoneportal-compose-env.XXXXXX")
trap 'rm -f "$envfile"' EXIT
# Throwaway values, generated per run: they only prove that the file interpolates completely.
cat >"$envfile" <<ENV
DJANGO_SECRET_KEY=compose-check-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
DJANGO_ALLOWED_HOSTS=portal.example.org
POSTGRES_PASSWORD=compose-check-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
CERTIFICATE_SIGNING_KEY=compose-check-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
MFA_ENCRYPTION_KEY=compose-check-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
EMAIL_URL=smtp+tls://portal:compose-check@smtp.example.org:587
DEFAULT_FROM_EMAIL=noreply@portal.example.org
WAGTAILADMIN_BASE_URL=https://portal.example.org
ENV

"${compose[@]}" --env-file "$envfile" -f docker-compose.yml config -q
echo "[compose-check] docker-compose.yml is valid ($("${compose[@]}" version --short 2>/dev/null || echo '?'))"
