#!/usr/bin/env bash
# The benchmark (`make bench`): for each size, seed a fresh PostgreSQL database
# with a trust of 100 schools, count each page's queries and check its content,
# serve the app with gunicorn on loopback and measure it from a second process.
# Writes bench/results/<date>-<size>.md, prints the tables and, with more than one
# size, the flat-growth table. See bench/README.md.
#
#   BENCH_SIZES="10000 1000000"  sizes to run, in order (default: both)
#   BENCH_SECONDS=10             measured seconds per page
#   BENCH_CLIENTS=2              concurrent clients
#   BENCH_WORKERS=2              gunicorn workers
#   BENCH_PORT=8765              gunicorn's port on 127.0.0.1
#   BENCH_DB=helpdesk_bench      database name (dropped and created again)
#   BENCH_KEEP_DB=false          keep the database afterwards (default: drop it)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZES=${BENCH_SIZES:-"10000 1000000"}
SECONDS_PER_PAGE=${BENCH_SECONDS:-10}
CLIENTS=${BENCH_CLIENTS:-2}
WORKERS=${BENCH_WORKERS:-2}
PORT=${BENCH_PORT:-8765}
DB=${BENCH_DB:-helpdesk_bench}
KEEP_DB=${BENCH_KEEP_DB:-false}
PY=${PYTHON:-python}
if [[ -x .venv/bin/python ]]; then
    PY=.venv/bin/python
fi

PG_HOST=127.0.0.1
PG_PORT=5432
PG_BIN=""
pg_dir=""
server_pid=""
work=$(mktemp -d /tmp/helpdesk-bench.XXXXXX)

step() {
    printf '\n==> %s\n' "$*"
}

initdb_path() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) || true
    if [[ -n "$bin" && -x "$bin/initdb" ]]; then
        echo "$bin"
    fi
}

as_postgres() {
    if [[ $(id -u) == 0 ]]; then
        (cd "$pg_dir" && runuser -u postgres -- "$@")
    else
        (cd "$pg_dir" && "$@")
    fi
}

# No server on 127.0.0.1:5432: a throwaway cluster, as .ci/run makes one.
start_throwaway_postgres() {
    PG_BIN=$(initdb_path)
    if [[ -z "$PG_BIN" ]]; then
        echo "No PostgreSQL on 127.0.0.1:5432 and no initdb under /usr/lib/postgresql" >&2
        exit 1
    fi
    PG_PORT=55433
    pg_dir=$(mktemp -d /tmp/helpdesk-bench-pg.XXXXXX)
    if [[ $(id -u) == 0 ]]; then
        chown postgres:postgres "$pg_dir"
    fi
    as_postgres "$PG_BIN/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-locale \
        >"$pg_dir/initdb.log" || { cat "$pg_dir/initdb.log" >&2; exit 1; }
    as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $pg_dir" >/dev/null \
        || { cat "$pg_dir/server.log" >&2; exit 1; }
    echo "PostgreSQL started on 127.0.0.1:$PG_PORT ($pg_dir)"
}

stop_server() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}

cleanup() {
    stop_server
    if [[ "$KEEP_DB" != true && -z "$pg_dir" ]]; then
        "$PY" - <<EOF 2>/dev/null || true
import psycopg
with psycopg.connect("host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres", autocommit=True) as c:
    c.execute('DROP DATABASE IF EXISTS "$DB" WITH (FORCE)')
EOF
    fi
    if [[ -n "$pg_dir" && -d "$pg_dir/data" ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true
        rm -rf "$pg_dir"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

postgres_answers() {
    "$PY" - <<EOF >/dev/null 2>&1
import psycopg
psycopg.connect("host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres", connect_timeout=3).close()
EOF
}

fresh_database() {
    "$PY" - <<EOF
import psycopg
with psycopg.connect("host=$PG_HOST port=$PG_PORT user=postgres dbname=postgres", autocommit=True) as c:
    c.execute('DROP DATABASE IF EXISTS "$DB" WITH (FORCE)')
    c.execute('CREATE DATABASE "$DB"')
EOF
}

step "PostgreSQL"
if postgres_answers; then
    echo "Using the server on $PG_HOST:$PG_PORT, database $DB"
else
    start_throwaway_postgres
fi

export DATABASE_URL="postgres://postgres@$PG_HOST:$PG_PORT/$DB"
export DEBUG=false
export SECRET_KEY
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(45))')
export ALLOWED_HOSTS=127.0.0.1
export SECURE_COOKIES=false
export SECURE_SSL_REDIRECT=false
export DATABASE_CONN_MAX_AGE=60
export BENCH_BARE_VIEW=true
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
export LOG_LEVEL=ERROR
unset STATICFILES_STORAGE
# The production picture has Redis as the shared cache (the choice lists live there).
# BENCH_REDIS_URL= (empty) measures without it. Each size gets a key prefix of its
# own: the databases are made afresh with the same ids, so values cached by an
# earlier run must never be read back.
REDIS_URL=${BENCH_REDIS_URL-redis://127.0.0.1:6379/0}
if [[ -n "$REDIS_URL" ]] && ! "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()" "$REDIS_URL" 2>/dev/null; then
    echo "No Redis answers at $REDIS_URL: measuring with each process's own memory cache"
    REDIS_URL=""
fi
export REDIS_URL

stamp=$(date -u +%Y-%m-%d)
results=()
for size in $SIZES; do
    step "$size incidents: fresh database, migrate, seed"
    export CACHE_KEY_PREFIX="helpdesk-bench-$$-$size"
    fresh_database
    "$PY" manage.py migrate --noinput -v0
    # Each time: the static files may have changed since the last size.
    "$PY" manage.py collectstatic --noinput -v0
    "$PY" bench/seed.py "$size" --info "$work/seed-$size.json"

    step "$size incidents: queries per page"
    "$PY" bench/querycount.py --info "$work/seed-$size.json" --out "$work/counts-$size.json"

    step "$size incidents: gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
    "$PY" -m gunicorn helpdesk.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
        --worker-class sync --timeout 120 --log-level warning >"$work/gunicorn-$size.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        if "$PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then
            break
        fi
        sleep 0.2
    done

    step "$size incidents: load ($CLIENTS clients, ${SECONDS_PER_PAGE}s per page)"
    "$PY" bench/load.py --port "$PORT" --info "$work/seed-$size.json" \
        --counts "$work/counts-$size.json" --size "$size" --clients "$CLIENTS" \
        --workers "$WORKERS" --seconds "$SECONDS_PER_PAGE"
    stop_server
    if grep -q "Traceback\|Error" "$work/gunicorn-$size.log"; then
        echo "gunicorn logged errors (first lines):"
        grep -m 20 -A 3 "Traceback\|Error" "$work/gunicorn-$size.log" || true
    fi
    results+=("bench/results/$stamp-$size.json")
done

step "Summary"
for size in $SIZES; do
    echo
    echo "### $size incidents"
    sed -n '/^| page/,$p' "bench/results/$stamp-$size.md"
done
if ((${#results[@]} > 1)); then
    "$PY" bench/load.py --compare "${results[@]}"
fi
