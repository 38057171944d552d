# Sourced by .ci/run: a throwaway PostgreSQL for the store tests, created here and removed when the script exits.
# Installs the Debian package (postgresql) when the server binaries are missing, starts one cluster in a temporary
# directory (as the postgres user when run as root: the server refuses root) on a free port of 127.0.0.1 with trust
# authentication, and exports SANCTIONS_TEST_PG_URL (test/helpers/postgres.ts makes a database per test file in it).

pg_bin_dir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -n -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

ci_pg_start() {
  local bin
  if ! bin=$(pg_bin_dir); then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
      echo "CI: the PostgreSQL server is not installed and cannot be installed here (needs root and apt-get): apt-get install postgresql" >&2
      return 1
    fi
    echo "CI: installing the PostgreSQL server (Debian package postgresql)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >/dev/null \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >/dev/null; }
    bin=$(pg_bin_dir) || { echo "CI: postgresql installed, but no server binaries under /usr/lib/postgresql" >&2; return 1; }
  fi
  CI_PG_DIR=$(mktemp -d /tmp/sanctions-ci-pg.XXXXXX)
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$CI_PG_DIR"
    as=(runuser -u postgres --)
  fi
  CI_PG_BIN=$bin
  CI_PG_AS=("${as[@]}")
  # Removed at exit, also when CI is cancelled (SIGINT, SIGTERM: exit runs the EXIT trap).
  trap ci_pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local port
  port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  "${as[@]}" "$bin/initdb" -D "$CI_PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C --no-sync --no-instructions >"$CI_PG_DIR/initdb.log" 2>&1 \
    || { cat "$CI_PG_DIR/initdb.log" >&2; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$CI_PG_DIR/data" -l "$CI_PG_DIR/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $CI_PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" start >/dev/null \
    || { cat "$CI_PG_DIR/server.log" >&2; return 1; }
  export SANCTIONS_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "CI: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($CI_PG_DIR), removed at exit"
}

ci_pg_stop() {
  if [ -n "${CI_PG_DIR:-}" ] && [ -d "$CI_PG_DIR" ]; then
    if [ -f "$CI_PG_DIR/data/postmaster.pid" ]; then
      # Stopped before its files go: if pg_ctl cannot, the postmaster is killed (never left running on deleted files).
      "${CI_PG_AS[@]}" "$CI_PG_BIN/pg_ctl" -D "$CI_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 \
        || kill -9 "$(head -1 "$CI_PG_DIR/data/postmaster.pid" 2>/dev/null)" 2>/dev/null || true
    fi
    rm -rf "$CI_PG_DIR"
  fi
}
