# Shared by scripts/backup.sh and scripts/restore.sh (sourced, not run).
#
# Asks the portal itself (manage.py, with the caller's environment, .env and
# DJANGO_SETTINGS_MODULE) where its database and media are, so the scripts read exactly the
# settings the portal reads. Sets ROOT, PYTHON, DB_NAME, MEDIA_ROOT, PRIVATE_MEDIA_ROOT,
# SETTINGS_MODULE and exports the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PGDATABASE) for pg_dump, pg_restore and psql. PG_BIN, if set, is where those binaries are.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '%s\n' "$*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then
    PYTHON="$ROOT/.venv/bin/python"
  else
    PYTHON="python3"
  fi
fi

pg_tool() {
  local tool="$1"
  shift
  if [[ -n "${PG_BIN:-}" ]]; then
    "$PG_BIN/$tool" "$@"
  else
    "$tool" "$@"
  fi
}

manage() {
  (cd "$ROOT" && "$PYTHON" manage.py "$@")
}

load_portal_settings() {
  local out
  out="$(mktemp)"
  # The snippet writes shell assignments to a file: whatever the portal logs on stdout or
  # stderr while starting cannot be mistaken for a setting.
  if ! ZP_SETTINGS_OUT="$out" manage shell --no-imports -c '
import os, shlex
from django.conf import settings
db = settings.DATABASES["default"]
values = {
    "DB_ENGINE": db["ENGINE"],
    "DB_NAME": str(db.get("NAME") or ""),
    "PGHOST": str(db.get("HOST") or ""),
    "PGPORT": str(db.get("PORT") or ""),
    "PGUSER": str(db.get("USER") or ""),
    "PGPASSWORD": str(db.get("PASSWORD") or ""),
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    "SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
}
with open(os.environ["ZP_SETTINGS_OUT"], "w") as out:
    for key, value in values.items():
        out.write(f"{key}={shlex.quote(value)}\n")
'; then
    rm -f "$out"
    die "could not read the portal's settings (manage.py shell failed; see above)"
  fi
  # shellcheck disable=SC1090
  source "$out"
  rm -f "$out"
  [[ "$DB_ENGINE" == *postgresql* ]] ||
    die "the database is not PostgreSQL ($DB_ENGINE): set DATABASE_URL to the portal's database"
  [[ -n "$DB_NAME" ]] || die "DATABASE_URL names no database"
  [[ -n "$PGHOST" ]] || unset PGHOST
  [[ -n "$PGPORT" ]] || unset PGPORT
  [[ -n "$PGUSER" ]] || unset PGUSER
  [[ -n "$PGPASSWORD" ]] || unset PGPASSWORD
  export PGHOST PGPORT PGUSER PGPASSWORD
  export PGDATABASE="$DB_NAME"
}

# The files of a backup directory, in the order they are written; SHA256SUMS covers them all.
BACKUP_FILES=(database.dump media.tar private-media.tar migrations.txt MANIFEST)
