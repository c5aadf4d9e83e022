#!/usr/bin/env bash
# Local services for Zone Portal development and tests: PostgreSQL, Redis and Elasticsearch.
#
# Usage: scripts/services.sh start|stop|restart|status|clean [pg|redis|es ...]
#        (no service names = all three; `clean` stops them and deletes the cache directory)
#
# Everything lives under ${ZP_CACHE_DIR:-<repo>/.cache} and listens on 127.0.0.1 only:
#   PostgreSQL    127.0.0.1:${ZP_PG_PORT:-5544}    role/password/database zoneportal
#   Redis         127.0.0.1:${ZP_REDIS_PORT:-6389}
#   Elasticsearch 127.0.0.1:${ZP_ES_PORT:-9209}    (transport ${ZP_ES_TRANSPORT_PORT:-9309})
#
# Every command is idempotent: starting a running service does nothing, stopping a stopped one
# does nothing, stale pidfiles are detected and removed. If a port already answers with a
# compatible service that this cache did not start (e.g. from another checkout of the repo),
# `start` uses it as it is and `stop` leaves it alone.
#
# Running as root: PostgreSQL (initdb) and Elasticsearch refuse to run as root, so they run as
# the `postgres` and `zoneportal-es` system users (created when missing). Those users must be
# able to reach the cache directory; when they cannot (e.g. the repo lives under a mode-0700
# home directory), their files are kept under /var/lib/zoneportal/<hash of the cache path>/
# instead, and a symlink with the usual name is put into the cache directory.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPTS_DIR="$REPO_DIR/scripts"

CACHE_DIR=${ZP_CACHE_DIR:-$REPO_DIR/.cache}
mkdir -p "$CACHE_DIR"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)

PG_PORT=${ZP_PG_PORT:-5544}
REDIS_PORT=${ZP_REDIS_PORT:-6389}
ES_PORT=${ZP_ES_PORT:-9209}
ES_TRANSPORT_PORT=${ZP_ES_TRANSPORT_PORT:-9309}
ES_VERSION=${ZP_ES_VERSION:-8.19.21}
ES_HEAP=${ZP_ES_HEAP:-512m}
ES_WAIT_SECONDS=${ZP_ES_WAIT_SECONDS:-120}

DB_NAME=zoneportal
DB_USER=zoneportal
DB_PASSWORD=zoneportal

ES_SYSTEM_USER=zoneportal-es
FALLBACK_ROOT=/var/lib/zoneportal

# ---------------------------------------------------------------------------------------------
# helpers

log() { printf '[services] %s\n' "$*"; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die() {
    printf '[services] ERROR: %s\n' "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as USER (from / so that an unreadable working directory does not matter).
as_user() {
    local user=$1
    shift
    if is_root && [ "$user" != root ]; then
        (cd / && runuser -u "$user" -- "$@")
    else
        (cd / && "$@")
    fi
}

ensure_system_user() {
    local user=$1
    id -u "$user" >/dev/null 2>&1 && return 0
    log "creating system user $user"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$user"
}

# Owner of the PostgreSQL / Elasticsearch processes.
pg_owner() { if is_root; then echo postgres; else id -un; fi; }
es_owner() { if is_root; then echo "$ES_SYSTEM_USER"; else id -un; fi; }

# Directory under which OWNER's service files live: the cache itself when OWNER can reach it,
# otherwise a per-cache directory under $FALLBACK_ROOT (root only).
owner_base() {
    local owner=$1
    # (A user that does not exist yet owns nothing: the files it will own are not created yet.)
    if ! is_root || [ "$owner" = root ] || ! id -u "$owner" >/dev/null 2>&1 ||
        runuser -u "$owner" -- test -x "$CACHE_DIR" 2>/dev/null; then
        echo "$CACHE_DIR"
        return
    fi
    local base
    base="$FALLBACK_ROOT/$(printf %s "$CACHE_DIR" | sha1sum | cut -c1-12)"
    mkdir -p "$base"
    chmod 755 "$FALLBACK_ROOT" "$base"
    printf '%s\n' "$CACHE_DIR" >"$base/CACHE_DIR"
    echo "$base"
}

# Make sure CACHE_DIR/NAME points at BASE/NAME when BASE is not the cache.
link_into_cache() {
    local base=$1 name=$2
    [ "$base" = "$CACHE_DIR" ] && return 0
    if [ "$(readlink "$CACHE_DIR/$name" 2>/dev/null || true)" != "$base/$name" ]; then
        rm -rf "${CACHE_DIR:?}/$name"
        ln -s "$base/$name" "$CACHE_DIR/$name"
    fi
}

# chown -R PATH to OWNER unless everything in it already belongs to OWNER.
ensure_owned() {
    local path=$1 owner=$2
    is_root || return 0
    if [ -n "$(find "$path" ! -user "$owner" -print -quit 2>/dev/null)" ]; then
        chown -R "$owner:" "$path"
    fi
}

# prepare_path dir|file NAME OWNER -> prints the absolute path of NAME, created and owned by OWNER.
prepare_path() {
    local kind=$1 name=$2 owner=$3 base path
    base=$(owner_base "$owner")
    path="$base/$name"
    if [ "$kind" = dir ]; then mkdir -p "$path"; else touch "$path"; fi
    ensure_owned "$path" "$owner"
    link_into_cache "$base" "$name"
    echo "$path"
}

port_open() { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# Is PID alive and does its command line contain PATTERN?
pid_matches() {
    local pid=$1 pattern=$2
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern"
}

# Read a pidfile; print the pid if its process is alive and matches PATTERN, remove it if stale.
read_pidfile() {
    local file=$1 pattern=$2 pid
    [ -f "$file" ] || return 0
    pid=$(tr -dc '0-9' <"$file" || true)
    if pid_matches "$pid" "$pattern"; then
        echo "$pid"
    else
        rm -f "$file"
    fi
}

# Send TERM to PID, wait up to SECONDS for it to exit, then KILL it.
terminate() {
    local pid=$1 seconds=$2 name=$3 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < seconds * 4; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.25
    done
    warn "$name (pid $pid) did not stop within ${seconds}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

show_log_tail() {
    local file=$1 lines=${2:-40}
    [ -s "$file" ] || return 0
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2
    printf -- '-----\n' >&2
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_data_dir() { echo "$(owner_base "$(pg_owner)")/pg"; }

pg_bindir() {
    if [ -n "${ZP_PG_BINDIR:-}" ]; then
        echo "$ZP_PG_BINDIR"
        return
    fi
    # An existing cluster must be run by the major version that created it.
    local data version dir
    data=$(pg_data_dir)
    version=$(cat "$data/PG_VERSION" 2>/dev/null || echo 15)
    if [ -x "/usr/lib/postgresql/$version/bin/pg_ctl" ]; then
        echo "/usr/lib/postgresql/$version/bin"
        return
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"
        return
    fi
    if command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return
    fi
    die "PostgreSQL server binaries not found; run scripts/install-system.sh (or make system)"
}

# Unix sockets are limited to ~107 bytes; use a short directory under /tmp for deep checkouts.
pg_socket_dir() {
    local owner=$1 dir
    dir="$(owner_base "$owner")/pg-run"
    if [ $((${#dir} + 20)) -gt 100 ]; then
        dir="/tmp/zoneportal-pg-$(printf %s "$CACHE_DIR" | sha1sum | cut -c1-12)"
    fi
    echo "$dir"
}

pg_is_running() {
    local owner data bindir
    owner=$(pg_owner)
    data=$(pg_data_dir)
    [ -f "$data/PG_VERSION" ] || return 1
    bindir=$(pg_bindir)
    as_user "$owner" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

pg_pid() { head -n 1 "$(pg_data_dir)/postmaster.pid" 2>/dev/null || true; }

pg_accepts_app_login() {
    local bindir=$1
    PGPASSWORD=$DB_PASSWORD PGCONNECT_TIMEOUT=3 "$bindir/psql" -X -q -t -A \
        -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" -c 'select 1' >/dev/null 2>&1
}

pg_start() {
    local owner bindir data sock logfile i
    owner=$(pg_owner)
    is_root && ensure_system_user "$owner"
    bindir=$(pg_bindir)

    if pg_is_running; then
        log "pg: already running on 127.0.0.1:$PG_PORT (pid $(pg_pid))"
        return 0
    fi
    if port_open "$PG_PORT"; then
        if pg_accepts_app_login "$bindir"; then
            log "pg: 127.0.0.1:$PG_PORT is already served by another PostgreSQL that accepts the $DB_USER login; using it"
            return 0
        fi
        die "pg: port $PG_PORT is in use by something else (set ZP_PG_PORT to use another port)"
    fi

    data=$(prepare_path dir pg "$owner")
    chmod 700 "$data"
    logfile=$(prepare_path file postgresql.log "$owner")
    sock=$(pg_socket_dir "$owner")
    if [ "$sock" = "$(owner_base "$owner")/pg-run" ]; then
        prepare_path dir pg-run "$owner" >/dev/null
    else
        # Checkout too deep for a socket path: keep the socket in /tmp, point pg-run at it.
        mkdir -p "$sock"
        ensure_owned "$sock" "$owner"
        [ "$(readlink "$CACHE_DIR/pg-run" 2>/dev/null || true)" = "$sock" ] || {
            rm -rf "${CACHE_DIR:?}/pg-run"
            ln -s "$sock" "$CACHE_DIR/pg-run"
        }
    fi
    chmod 700 "$sock"

    if [ ! -f "$data/PG_VERSION" ]; then
        if [ -n "$(ls -A "$data")" ]; then
            warn "pg: $data holds an incomplete cluster; re-initialising it"
            find "$data" -mindepth 1 -delete
        fi
        log "pg: initialising a new cluster in $data"
        as_user "$owner" "$bindir/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$CACHE_DIR/initdb.log" 2>&1 || {
            show_log_tail "$CACHE_DIR/initdb.log"
            die "pg: initdb failed"
        }
        echo "include_if_exists = 'zoneportal.conf'" >>"$data/postgresql.conf"
    fi

    # Written on every start so that a changed port takes effect. This cluster is a disposable
    # development/test database: durability is traded for speed (fsync off).
    cat >"$data/zoneportal.conf" <<EOF
# Managed by scripts/services.sh; rewritten on every start.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF
    ensure_owned "$data/zoneportal.conf" "$owner"

    log "pg: starting on 127.0.0.1:$PG_PORT (log $logfile)"
    if ! as_user "$owner" "$bindir/pg_ctl" -D "$data" -l "$logfile" -w -t 60 start >/dev/null; then
        show_log_tail "$logfile"
        die "pg: failed to start"
    fi
    for ((i = 0; i < 60; i++)); do
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
        sleep 0.5
    done
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || {
        show_log_tail "$logfile"
        die "pg: not ready after 30 s"
    }

    # Role and database, idempotently (as the superuser, over the socket).
    "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$PG_PORT" -U postgres -d postgres >/dev/null <<EOF
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  ELSE
    ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING ''UTF8'''
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
EOF
    log "pg: ready at postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME"
}

pg_stop() {
    local owner bindir data
    if ! pg_is_running; then
        log "pg: not running"
        return 0
    fi
    owner=$(pg_owner)
    bindir=$(pg_bindir)
    data=$(pg_data_dir)
    log "pg: stopping (pid $(pg_pid))"
    as_user "$owner" "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
}

pg_status() {
    if pg_is_running; then
        printf '%-6s running  postgresql://%s@127.0.0.1:%s/%s  (pid %s, data %s)\n' \
            pg "$DB_USER" "$PG_PORT" "$DB_NAME" "$(pg_pid)" "$(pg_data_dir)"
    elif port_open "$PG_PORT"; then
        printf '%-6s running  127.0.0.1:%s  (not started from this cache)\n' pg "$PG_PORT"
    else
        printf '%-6s stopped\n' pg
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
# Redis (runs as the invoking user, root included: it does not mind)

REDIS_DIR="$CACHE_DIR/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$CACHE_DIR/redis.log"

redis_ping() {
    timeout 3 bash -c '
        exec 3<>/dev/tcp/127.0.0.1/'"$REDIS_PORT"' || exit 1
        printf "PING\r\n" >&3
        IFS= read -r -t 2 reply <&3 || exit 1
        [[ $reply == +PONG* ]]' 2>/dev/null
}

redis_pid() { read_pidfile "$REDIS_PIDFILE" redis-server; }

redis_start() {
    local pid i
    pid=$(redis_pid)
    if [ -n "$pid" ]; then
        log "redis: already running on 127.0.0.1:$REDIS_PORT (pid $pid)"
        return 0
    fi
    if redis_ping; then
        log "redis: 127.0.0.1:$REDIS_PORT is already served by another Redis; using it"
        return 0
    fi
    port_open "$REDIS_PORT" && die "redis: port $REDIS_PORT is in use by something else (set ZP_REDIS_PORT)"
    command -v redis-server >/dev/null 2>&1 ||
        die "redis-server not found; run scripts/install-system.sh (or make system)"
    mkdir -p "$REDIS_DIR"
    log "redis: starting on 127.0.0.1:$REDIS_PORT (log $REDIS_LOG)"
    # No persistence: this Redis is a broker/cache for development and tests only.
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
        --daemonize yes --pidfile "$REDIS_PIDFILE" --dir "$REDIS_DIR" --logfile "$REDIS_LOG" \
        --save '' --appendonly no
    for ((i = 0; i < 40; i++)); do
        redis_ping && break
        sleep 0.25
    done
    redis_ping || {
        show_log_tail "$REDIS_LOG"
        die "redis: not answering after 10 s"
    }
    log "redis: ready at redis://127.0.0.1:$REDIS_PORT/0"
}

redis_stop() {
    local pid
    pid=$(redis_pid)
    if [ -z "$pid" ]; then
        log "redis: not running"
        return 0
    fi
    log "redis: stopping (pid $pid)"
    terminate "$pid" 20 redis
    rm -f "$REDIS_PIDFILE"
}

redis_status() {
    local pid
    pid=$(redis_pid)
    if [ -n "$pid" ]; then
        printf '%-6s running  redis://127.0.0.1:%s/0  (pid %s)\n' redis "$REDIS_PORT" "$pid"
    elif redis_ping; then
        printf '%-6s running  redis://127.0.0.1:%s/0  (not started from this cache)\n' redis "$REDIS_PORT"
    else
        printf '%-6s stopped\n' redis
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------
# Elasticsearch (integration-test distribution, fetched by scripts/fetch-elasticsearch.sh)

es_base() { owner_base "$(es_owner)"; }
es_pidfile() { echo "$(es_base)/es-logs/elasticsearch.pid"; }
es_pid() { read_pidfile "$(es_pidfile)" org.elasticsearch; }
es_url() { echo "http://127.0.0.1:$ES_PORT"; }

# The integ-test distribution has no "GET /" handler (it answers 405), so probe the health API.
es_http_up() { curl -fsS --max-time 3 "$(es_url)/_cluster/health" >/dev/null 2>&1; }

es_java_home() {
    local java_home java major
    if [ -n "${ES_JAVA_HOME:-}" ]; then
        java_home=$ES_JAVA_HOME
    else
        java=$(command -v java 2>/dev/null) ||
            die "es: java not found (Elasticsearch needs a JDK/JRE >= 17); run scripts/install-system.sh"
        java=$(readlink -f "$java")
        java_home=${java%/bin/java}
    fi
    major=$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
    if [ -z "$major" ] || [ "$major" -lt 17 ]; then
        die "es: $java_home is Java ${major:-?}; Elasticsearch $ES_VERSION needs Java >= 17 (set ES_JAVA_HOME)"
    fi
    echo "$java_home"
}

es_start() {
    local owner base home data logs pidfile startlog java_home deadline pid
    pid=$(es_pid)
    if [ -n "$pid" ]; then
        log "es: already running on $(es_url) (pid $pid)"
        return 0
    fi
    if es_http_up; then
        log "es: $(es_url) is already served by another Elasticsearch; using it"
        return 0
    fi
    port_open "$ES_PORT" && die "es: port $ES_PORT is in use by something else (set ZP_ES_PORT)"
    port_open "$ES_TRANSPORT_PORT" &&
        die "es: transport port $ES_TRANSPORT_PORT is in use (set ZP_ES_TRANSPORT_PORT)"
    command -v curl >/dev/null 2>&1 || die "curl not found; run scripts/install-system.sh"

    owner=$(es_owner)
    is_root && ensure_system_user "$owner"
    java_home=$(es_java_home)
    base=$(es_base)

    "$SCRIPTS_DIR/fetch-elasticsearch.sh" "$base"
    home="$base/elasticsearch-$ES_VERSION"
    # The node writes into its own home (config/elasticsearch.keystore, logs/gc.log), so the
    # whole distribution belongs to the user that runs it.
    ensure_owned "$home" "$owner"
    link_into_cache "$base" "elasticsearch-$ES_VERSION"
    data=$(prepare_path dir es-data "$owner")
    logs=$(prepare_path dir es-logs "$owner")
    pidfile=$(es_pidfile)
    startlog="$logs/startup.log"
    rm -f "$pidfile"

    log "es: starting Elasticsearch $ES_VERSION on $(es_url) as $owner (heap $ES_HEAP, logs $logs)"
    # -d daemonises once the node is up; `timeout` guards against a launcher that never returns.
    if ! as_user "$owner" env -u JAVA_HOME \
        ES_JAVA_HOME="$java_home" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
        timeout "$((ES_WAIT_SECONDS + 60))" "$home/bin/elasticsearch" -d -p "$pidfile" \
        -E discovery.type=single-node \
        -E network.host=127.0.0.1 \
        -E http.port="$ES_PORT" \
        -E transport.port="$ES_TRANSPORT_PORT" \
        -E xpack.security.enabled=false \
        -E cluster.routing.allocation.disk.threshold_enabled=false \
        -E path.data="$data" \
        -E path.logs="$logs" \
        >"$startlog" 2>&1 </dev/null; then
        show_log_tail "$startlog"
        show_log_tail "$logs/elasticsearch.log"
        die "es: the launcher failed (see $startlog and $logs/elasticsearch.log)"
    fi

    deadline=$((SECONDS + ES_WAIT_SECONDS))
    until curl -fsS --max-time 10 \
        "$(es_url)/_cluster/health?wait_for_status=yellow&timeout=5s" >/dev/null 2>&1; do
        if [ -z "$(es_pid)" ]; then
            show_log_tail "$startlog"
            show_log_tail "$logs/elasticsearch.log"
            die "es: the node exited during startup (see $logs/elasticsearch.log)"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            show_log_tail "$logs/elasticsearch.log"
            die "es: cluster health not yellow within ${ES_WAIT_SECONDS}s (node pid $(es_pid) left running; see $logs/elasticsearch.log)"
        fi
        sleep 2
    done
    log "es: ready at $(es_url) (pid $(es_pid))"
}

es_stop() {
    local pid
    pid=$(es_pid)
    if [ -z "$pid" ]; then
        log "es: not running"
        return 0
    fi
    log "es: stopping (pid $pid)"
    terminate "$pid" 60 elasticsearch
    rm -f "$(es_pidfile)"
}

es_status() {
    local pid health
    pid=$(es_pid)
    health=$(curl -fsS --max-time 3 "$(es_url)/_cluster/health" 2>/dev/null |
        sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' || true)
    if [ -n "$pid" ]; then
        printf '%-6s running  %s  (pid %s, cluster %s)\n' es "$(es_url)" "$pid" "${health:-not answering}"
    elif [ -n "$health" ]; then
        printf '%-6s running  %s  (cluster %s, not started from this cache)\n' es "$(es_url)" "$health"
    else
        printf '%-6s stopped\n' es
        return 1
    fi
}

# ---------------------------------------------------------------------------------------------

clean_all() {
    local base
    pg_stop
    redis_stop
    es_stop
    case "$CACHE_DIR" in
    / | "$HOME" | "$REPO_DIR") die "refusing to delete $CACHE_DIR" ;;
    esac
    base="$FALLBACK_ROOT/$(printf %s "$CACHE_DIR" | sha1sum | cut -c1-12)"
    log "deleting $CACHE_DIR"
    rm -rf "$CACHE_DIR"
    rm -rf "/tmp/zoneportal-pg-$(printf %s "$CACHE_DIR" | sha1sum | cut -c1-12)"
    if [ -d "$base" ]; then
        log "deleting $base"
        rm -rf "$base"
    fi
}

usage() {
    sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
}

main() {
    [ $# -ge 1 ] || usage
    local action=$1 svc rc=0 services=()
    shift
    local requested=("$@")
    [ ${#requested[@]} -gt 0 ] || requested=(pg redis es)
    for svc in "${requested[@]}"; do
        case "$svc" in
        pg | postgres | postgresql) services+=(pg) ;;
        redis) services+=(redis) ;;
        es | elasticsearch) services+=(es) ;;
        *) die "unknown service '$svc' (expected pg, redis or es)" ;;
        esac
    done
    case "$action" in
    start | stop)
        for svc in "${services[@]}"; do "${svc}_${action}"; done
        ;;
    status)
        for svc in "${services[@]}"; do "${svc}_status" || rc=3; done
        return "$rc"
        ;;
    restart)
        for svc in "${services[@]}"; do "${svc}_stop"; done
        for svc in "${services[@]}"; do "${svc}_start"; done
        ;;
    clean) clean_all ;;
    *) usage ;;
    esac
}

main "$@"
