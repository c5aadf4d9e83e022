#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the portal of the current environment.
#
#   scripts/restore.sh [--force] BACKUP_DIR
#
# 1. Verifies every file of BACKUP_DIR against its SHA256SUMS (a damaged or altered backup is
#    refused before anything is touched).
# 2. Refuses a database that already has tables, or media directories that already hold files,
#    unless --force (then the database's objects are dropped and replaced, and the backup's
#    files are written over the directories; files not in the backup are left).
# 3. pg_restore --clean --if-exists --no-owner --no-acl in a single transaction (a failure
#    leaves the database as it was), into the database of DATABASE_URL.
# 4. Unpacks MEDIA_ROOT and the private media root, runs manage.py migrate (a backup of an
#    older release is brought up to this one).
# Then rebuild the search indices: manage.py search_index rebuild.
#
# Reads the same environment as the portal and as scripts/backup.sh (PG_BIN, PYTHON).
set -euo pipefail

# shellcheck source=scripts/portal-settings.sh
source "$(dirname "${BASH_SOURCE[0]}")/portal-settings.sh"

usage() { die "usage: scripts/restore.sh [--force] BACKUP_DIR"; }
force=0
backup=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) force=1 ;;
    -h | --help)
      sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) usage ;;
    *)
      [[ -z "$backup" ]] || usage
      backup="$1"
      ;;
  esac
  shift
done
[[ -n "$backup" ]] || usage
[[ -d "$backup" ]] || die "$backup is not a directory"
backup="$(cd "$backup" && pwd)"
started=$SECONDS

say "Verifying $backup …"
[[ -f "$backup/SHA256SUMS" ]] || die "$backup/SHA256SUMS is missing: not a complete backup"
for name in "${BACKUP_FILES[@]}"; do
  [[ -f "$backup/$name" ]] || die "$backup/$name is missing: not a complete backup"
  grep -q "^[0-9a-f]\{64\}  $name\$" "$backup/SHA256SUMS" ||
    die "SHA256SUMS has no checksum for $name: refusing an incomplete backup"
done
if ! (cd "$backup" && sha256sum --check --strict --quiet SHA256SUMS >&2); then
  die "checksum mismatch (above): the backup is damaged or was altered; nothing was restored"
fi
sed 's/^/  /' "$backup/MANIFEST" >&2

load_portal_settings

say "Checking the target database $DB_NAME on ${PGHOST:-local socket}:${PGPORT:-5432} …"
objects="$(pg_tool psql -XAtq -v ON_ERROR_STOP=1 -c "
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg_toast%'" "$DB_NAME")" ||
  die "cannot connect to database $DB_NAME (create it first: createdb $DB_NAME)"
if [[ "$objects" -gt 0 && $force -eq 0 ]]; then
  die "database $DB_NAME is not empty ($objects tables, views and sequences): restore into a" \
    "new empty database, or pass --force to replace its contents"
fi
for directory in "$MEDIA_ROOT" "$PRIVATE_MEDIA_ROOT"; do
  if [[ -d "$directory" && -n "$(find "$directory" -mindepth 1 -print -quit)" && $force -eq 0 ]]
  then
    die "$directory is not empty: restore into empty media directories, or pass --force"
  fi
done

say "Restoring the database …"
pg_tool pg_restore --clean --if-exists --no-owner --no-acl --single-transaction \
  --no-password --dbname "$DB_NAME" "$backup/database.dump" ||
  die "pg_restore failed (above); the database was left as it was"

say "Restoring media into $MEDIA_ROOT …"
mkdir -p "$MEDIA_ROOT"
tar --extract --file "$backup/media.tar" --directory "$MEDIA_ROOT" ||
  die "unpacking media.tar failed"
say "Restoring private media into $PRIVATE_MEDIA_ROOT …"
mkdir -p "$PRIVATE_MEDIA_ROOT"
tar --extract --file "$backup/private-media.tar" --directory "$PRIVATE_MEDIA_ROOT" ||
  die "unpacking private-media.tar failed"

say "Applying migrations (a backup of an older release is brought up to this one) …"
manage migrate --no-input || die "manage.py migrate failed"

say "Restore complete in $((SECONDS - started)) s."
say "Next: rebuild the search indices from the restored database (they are not in the backup):"
say "  python manage.py search_index rebuild"
say "and check the secrets (MFA_ENCRYPTION_KEY, CERTIFICATE_SIGNING_KEY) are the ones of the"
say "installation that was backed up: staff authenticator sign-in and certificate checks need them."
