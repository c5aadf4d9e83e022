#!/usr/bin/env bash
# Back up a Zone Portal installation into one directory: the PostgreSQL database
# (pg_dump --format=custom), MEDIA_ROOT and the private media root (tar), the migration state
# and a MANIFEST, with the sha256 of every file in SHA256SUMS. See docs/operations.md.
#
#   scripts/backup.sh [DIRECTORY]
#
# DIRECTORY (must not exist yet) defaults to $BACKUP_ROOT/zoneportal-<UTC timestamp>, with
# BACKUP_ROOT defaulting to ./backups. Reads the portal's own environment (DATABASE_URL,
# DJANGO_SETTINGS_MODULE, DJANGO_MEDIA_ROOT, DJANGO_PRIVATE_MEDIA_ROOT, .env). PG_BIN: where
# pg_dump is (its major version must be at least the server's). PYTHON: the portal's python.
#
# The secrets (DJANGO_SECRET_KEY, CERTIFICATE_SIGNING_KEY, MFA_ENCRYPTION_KEY) are NOT in the
# backup: keep them, separately, with it. The search indices are not either: they are rebuilt
# from the database after a restore.
set -euo pipefail

# shellcheck source=scripts/portal-settings.sh
source "$(dirname "${BASH_SOURCE[0]}")/portal-settings.sh"

case "${1:-}" in
  -h | --help)
    sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac
[[ $# -le 1 ]] || die "usage: scripts/backup.sh [DIRECTORY]"

started=$SECONDS
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="${1:-${BACKUP_ROOT:-$ROOT/backups}/zoneportal-$stamp}"
[[ ! -e "$target" ]] || die "$target already exists: choose a new directory"

load_portal_settings

# Written into DIR.partial and renamed at the end: a directory without the suffix is complete.
partial="$target.partial"
[[ ! -e "$partial" ]] || die "$partial exists (an earlier backup that failed?): remove it first"
mkdir -p "$partial"
cleanup() {
  local status=$?
  if [[ $status -ne 0 ]]; then
    rm -rf "$partial"
    say "Backup FAILED (exit status $status); nothing was kept."
  fi
}
trap cleanup EXIT

say "Backing up database $DB_NAME on ${PGHOST:-local socket}:${PGPORT:-5432} …"
# One snapshot: pg_dump reads the whole database in a single repeatable-read transaction.
# The database comes first, the files after it: Django writes a file before the row naming it
# commits, so every file the dumped database refers to is already on disk for the tars.
pg_tool pg_dump --format=custom --no-password --file "$partial/database.dump" "$DB_NAME" ||
  die "pg_dump failed"

archive() {
  local source="$1" archive="$2" status=0
  if [[ ! -d "$source" ]]; then
    say "  $source does not exist: storing an empty archive"
    tar --create --file "$archive" --files-from /dev/null
    return
  fi
  # GNU tar exits 1 when a file changed while it was read (an upload in progress): the archive
  # is still sound and that file is newer than the dump anyway. 2 is a real failure.
  tar --create --file "$archive" --directory "$source" . || status=$?
  if [[ $status -eq 1 ]]; then
    say "  warning: a file in $source changed while it was archived (kept as read)"
  elif [[ $status -ne 0 ]]; then
    die "tar of $source failed (exit status $status)"
  fi
}
say "Archiving media ($MEDIA_ROOT) …"
archive "$MEDIA_ROOT" "$partial/media.tar"
say "Archiving private media ($PRIVATE_MEDIA_ROOT) …"
archive "$PRIVATE_MEDIA_ROOT" "$partial/private-media.tar"

say "Recording the migration state …"
manage showmigrations --plan >"$partial/migrations.txt" || die "manage.py showmigrations failed"
applied="$(grep -c '^\[X\]' "$partial/migrations.txt" || true)"
unapplied="$(grep -c '^\[ \]' "$partial/migrations.txt" || true)"

commit="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo "${ZONEPORTAL_VERSION:-unknown}")"
server_version="$(pg_tool psql -XAtq -c 'SHOW server_version' "$DB_NAME")" ||
  die "psql could not read the server version"
{
  echo "Zone Portal backup"
  echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname)"
  echo "git commit: $commit"
  echo "settings: ${SETTINGS_MODULE:-zoneportal.settings.local}"
  echo "database: $DB_NAME (PostgreSQL $server_version)"
  echo "pg_dump: $(pg_tool pg_dump --version)"
  echo "migrations: $applied applied, $unapplied not applied (migrations.txt)"
  echo "media root: $MEDIA_ROOT"
  echo "private media root: $PRIVATE_MEDIA_ROOT"
  echo "files:"
  for name in "${BACKUP_FILES[@]}"; do
    [[ "$name" == MANIFEST ]] && continue
    echo "  $name $(stat -c %s "$partial/$name") bytes"
  done
  echo "not included: the secrets (DJANGO_SECRET_KEY, CERTIFICATE_SIGNING_KEY,"
  echo "  MFA_ENCRYPTION_KEY) and the search indices (manage.py search_index rebuild)"
} >"$partial/MANIFEST"

(cd "$partial" && sha256sum "${BACKUP_FILES[@]}" >SHA256SUMS) || die "sha256sum failed"
mv "$partial" "$target"
trap - EXIT
say "Backup complete in $((SECONDS - started)) s: $target"
say "Keep it off this machine, with the secrets stored separately (docs/operations.md)."
echo "$target"
