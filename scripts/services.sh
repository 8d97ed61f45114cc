# shellcheck shell=bash
# Test servers for Miroir: make sure PostgreSQL and NATS JetStream answer.
#
# Sourced by `scripts/test` and `.ci/run`; not meant to be run on its own.
#
#   source scripts/services.sh
#   miroir_ensure_services     # sets and exports MIROIR_TEST_POSTGRES_URL and MIROIR_TEST_NATS_URL
#   miroir_stop_services       # stops only what miroir_ensure_services started (used by CI)
#
# For each server:
#   - already reachable  -> used as it is (never a second instance);
#   - the URL points at another machine -> only checked, never started;
#   - local but not running -> started (PostgreSQL with `pg_ctlcluster <version> main start`,
#     NATS with `nats-server -js -a 127.0.0.1 -p <port> -sd <dir>` in the background);
#   - not installed -> the Debian packages `postgresql` / `nats-server` are installed with apt-get
#     when running as root; otherwise a message says what to install.
#
# Knobs (all optional):
#   MIROIR_TEST_POSTGRES_URL  default postgres://postgres:postgres@127.0.0.1:5432/postgres
#   MIROIR_TEST_NATS_URL      default nats://127.0.0.1:4222
#   MIROIR_SERVICES_DIR       where a NATS server started here keeps its data and log
#                             (default ~/.cache/miroir/services)

MIROIR_DEFAULT_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres"
MIROIR_DEFAULT_NATS_URL="nats://127.0.0.1:4222"

_miroir_apt_updated=0
_miroir_started_nats_pid=""
_miroir_started_pg_cluster=""
_miroir_installed_nats=0

_miroir_say() { printf '[services] %s\n' "$*" >&2; }
_miroir_die() {
    printf '[services] ERROR: %s\n' "$*" >&2
    return 1
}

# `_miroir_port_open HOST PORT`: true when something accepts TCP connections there.
_miroir_port_open() {
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

_miroir_port_closed() { ! _miroir_port_open "$1" "$2"; }

# `_miroir_pg_ready HOST PORT`: true when PostgreSQL accepts connections (not merely starting up).
_miroir_pg_ready() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$1" -p "$2" -t 3 >/dev/null 2>&1
    else
        _miroir_port_open "$1" "$2"
    fi
}

# `_miroir_wait SECONDS CMD...`: retry CMD every half second until it succeeds or time runs out.
_miroir_wait() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        if ((SECONDS >= deadline)); then return 1; fi
        sleep 0.5
    done
}

_miroir_is_local() { [[ "$1" == "127.0.0.1" || "$1" == "localhost" || "$1" == "::1" || "$1" == "[::1]" ]]; }

# `_miroir_url_host_port URL DEFAULT_PORT`: prints "host port" of a postgres:// or nats:// URL.
_miroir_url_host_port() {
    local rest="${1#*://}"
    rest="${rest##*@}"        # drop user:password@
    rest="${rest%%[/?,]*}"    # drop /database, ?query, other servers
    local host="$rest" port="$2"
    if [[ "$rest" =~ ^(\[[^]]*\]|[^:]*):([0-9]+)$ ]]; then
        host="${BASH_REMATCH[1]}"
        port="${BASH_REMATCH[2]}"
    fi
    [[ -n "$host" ]] || host=127.0.0.1
    printf '%s %s\n' "$host" "$port"
}

# Run a command as root: directly when we are root, else with passwordless sudo if available.
_miroir_as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

# Run a command as the `postgres` system user.
_miroir_as_postgres() {
    if [[ "$(id -un)" == postgres ]]; then
        "$@"
    elif ((EUID == 0)) && command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n -u postgres true 2>/dev/null; then
        sudo -n -u postgres "$@"
    else
        return 1
    fi
}

# `_miroir_apt_install PACKAGE...`: install Debian packages (root only); `apt-get update` at most once.
_miroir_apt_install() {
    if ((EUID != 0)); then
        _miroir_die "missing: $*. Install with: sudo apt-get install $* (Debian/Ubuntu), then run this again."
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        _miroir_die "missing: $* and apt-get is not available; install PostgreSQL and nats-server (with JetStream) yourself."
        return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ((_miroir_apt_updated == 0)); then
        _miroir_say "apt-get update"
        apt-get update -q || return 1
        _miroir_apt_updated=1
    fi
    _miroir_say "apt-get install $*"
    apt-get install -y -q --no-install-recommends "$@" || return 1
}

_miroir_nats_bin() {
    local candidate
    for candidate in "$(command -v nats-server 2>/dev/null)" /usr/sbin/nats-server /usr/local/bin/nats-server; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

_miroir_pg_installed() {
    command -v pg_ctlcluster >/dev/null 2>&1 && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# Install the Debian packages for the local servers that are down and missing, in one apt-get call.
_miroir_install_missing() {
    local pg_host="$1" pg_port="$2" nats_host="$3" nats_port="$4" missing=()
    if _miroir_is_local "$pg_host" && ! _miroir_pg_ready "$pg_host" "$pg_port" && ! _miroir_pg_installed; then
        missing+=(postgresql)
    fi
    if _miroir_is_local "$nats_host" && ! _miroir_port_open "$nats_host" "$nats_port" && ! _miroir_nats_bin >/dev/null; then
        missing+=(nats-server)
        _miroir_installed_nats=1
    fi
    if ((${#missing[@]} > 0)); then
        _miroir_apt_install "${missing[@]}"
    fi
}

# ---------------------------------------------------------------------------------------------------------------------
# PostgreSQL

# Prints "version name port status" of the cluster to start: the one on PORT if any, else the newest.
_miroir_pg_pick_cluster() {
    local port="$1" line first="" ver name cport status
    while read -r ver name cport status _; do
        [[ "$ver" =~ ^[0-9]+(\.[0-9]+)?$ ]] || continue
        line="$ver $name $cport $status"
        if [[ "$cport" == "$port" ]]; then
            printf '%s\n' "$line"
            return 0
        fi
        first="$line"   # pg_lsclusters sorts by version: keep the last (newest)
    done < <(pg_lsclusters -h 2>/dev/null)
    [[ -n "$first" ]] && printf '%s\n' "$first"
}

_miroir_start_postgres() {
    local port="$1" cluster ver name cport status
    cluster="$(_miroir_pg_pick_cluster "$port" || true)"
    if [[ -z "$cluster" ]]; then
        # Packages installed but no cluster (e.g. removed, or created with create_main_cluster = false).
        ver="$(find /etc/postgresql /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null |
            grep -E '^[0-9]+$' | sort -n | tail -n 1 || true)"
        [[ -n "$ver" ]] || { _miroir_die "PostgreSQL is installed but no server version was found in /usr/lib/postgresql."; return 1; }
        _miroir_say "creating PostgreSQL cluster $ver/main"
        _miroir_as_root pg_createcluster "$ver" main -p "$port" >/dev/null ||
            { _miroir_die "could not create a PostgreSQL cluster; run: sudo pg_createcluster $ver main --start"; return 1; }
        cluster="$ver main $port down"
    fi
    read -r ver name cport status <<<"$cluster"
    if [[ "$status" == online* ]]; then
        _miroir_die "PostgreSQL cluster $ver/$name is running on port $cport but 127.0.0.1:$port does not answer;" \
            "set MIROIR_TEST_POSTGRES_URL to a server that tests can reach."
        return 1
    fi
    # Options for this run only (nothing is written to the cluster's configuration). Passing -o also makes
    # pg_ctlcluster start postgres directly rather than through systemd, which works in containers too.
    # 400 connections: tests run in parallel, each platform under test opens five to seven pools.
    local opts=(-o "-c port=$port" -o "-c max_connections=400")
    if [[ "${CI:-}" == true ]]; then
        # Throwaway CI machine: durability is not needed, speed is.
        opts+=(-o "-c fsync=off" -o "-c synchronous_commit=off" -o "-c full_page_writes=off")
    fi
    _miroir_say "starting PostgreSQL: pg_ctlcluster $ver $name start (port $port)"
    if ! _miroir_as_root pg_ctlcluster "${opts[@]}" "$ver" "$name" start &&
        ! _miroir_as_postgres pg_ctlcluster "${opts[@]}" "$ver" "$name" start; then
        _miroir_die "could not start PostgreSQL; run: sudo pg_ctlcluster $ver $name start"
        return 1
    fi
    _miroir_started_pg_cluster="$ver $name"
}

# If the test URL is refused (Debian asks for a password over TCP), give the `postgres` role the password
# of the default URL. Only for that user and password on a local server, and only when we can act as the
# postgres system user.
_miroir_postgres_login() {
    local url="$1" host="$2" port="$3"
    command -v psql >/dev/null 2>&1 || return 0
    if PGCONNECT_TIMEOUT=5 psql -w -Atqc 'select 1' "$url" >/dev/null 2>&1; then
        return 0
    fi
    if [[ "$url" != postgres*://postgres:postgres@* ]] || ! _miroir_is_local "$host"; then
        _miroir_die "PostgreSQL answers on port $port but refuses MIROIR_TEST_POSTGRES_URL=$url (wrong user or password?)."
        return 1
    fi
    _miroir_say "setting the password of PostgreSQL role postgres (so $url works)"
    if ! _miroir_as_postgres psql -p "$port" -qXc "ALTER USER postgres PASSWORD 'postgres'" >/dev/null; then
        _miroir_die "PostgreSQL refuses $url; run: sudo -u postgres psql -c \"ALTER USER postgres PASSWORD 'postgres'\""
        return 1
    fi
    PGCONNECT_TIMEOUT=5 psql -w -Atqc 'select 1' "$url" >/dev/null ||
        { _miroir_die "PostgreSQL still refuses $url; check pg_hba.conf."; return 1; }
}

miroir_ensure_postgres() {
    local url="$MIROIR_TEST_POSTGRES_URL" host port
    read -r host port < <(_miroir_url_host_port "$url" 5432)
    if _miroir_pg_ready "$host" "$port"; then
        _miroir_say "PostgreSQL: already running on $host:$port"
    elif ! _miroir_is_local "$host"; then
        _miroir_die "PostgreSQL at $host:$port (MIROIR_TEST_POSTGRES_URL) does not answer."
        return 1
    else
        _miroir_pg_installed || { _miroir_die "PostgreSQL is not installed (sudo apt-get install postgresql)."; return 1; }
        _miroir_start_postgres "$port" || return 1
        _miroir_wait 60 _miroir_pg_ready "$host" "$port" ||
            { _miroir_die "PostgreSQL did not come up on $host:$port; see /var/log/postgresql/."; return 1; }
        _miroir_say "PostgreSQL: started on $host:$port"
    fi
    _miroir_postgres_login "$url" "$host" "$port"
}

# ---------------------------------------------------------------------------------------------------------------------
# NATS

# `_miroir_nats_info HOST PORT`: prints the INFO line the server sends on connect (empty if none).
_miroir_nats_info() {
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && IFS= read -r -t 2 line <&3 && printf "%s\n" "$line"' \
        _ "$1" "$2" 2>/dev/null || true
}

# True unless the server says it runs without JetStream.
_miroir_nats_has_jetstream() {
    local info
    info="$(_miroir_nats_info "$1" "$2")"
    [[ -z "$info" || "$info" == *'"jetstream":true'* ]]
}

_miroir_start_nats() {
    local port="$1" bin dir
    bin="$(_miroir_nats_bin)" || { _miroir_die "nats-server is not installed (sudo apt-get install nats-server)."; return 1; }
    dir="${MIROIR_SERVICES_DIR:-${HOME:-/tmp}/.cache/miroir/services}/nats-$port"
    mkdir -p "$dir/jetstream"
    _miroir_say "starting NATS: $bin -js -a 127.0.0.1 -p $port -sd $dir/jetstream (log: $dir/nats-server.log)"
    # Detached from this shell (own session, no inherited stdout), so it outlives the script harmlessly.
    setsid "$bin" -js -a 127.0.0.1 -p "$port" -sd "$dir/jetstream" -l "$dir/nats-server.log" \
        </dev/null >/dev/null 2>&1 &
    _miroir_started_nats_pid=$!
    if ! _miroir_wait 30 _miroir_port_open 127.0.0.1 "$port"; then
        tail -n 20 "$dir/nats-server.log" >&2 2>/dev/null || true
        _miroir_die "NATS did not come up on 127.0.0.1:$port."
        return 1
    fi
}

miroir_ensure_nats() {
    local url="$MIROIR_TEST_NATS_URL" host port
    read -r host port < <(_miroir_url_host_port "$url" 4222)
    if _miroir_port_open "$host" "$port"; then
        if ! _miroir_nats_has_jetstream "$host" "$port"; then
            # Installing Debian's package on a systemd machine starts its service without JetStream: replace it.
            if ((_miroir_installed_nats == 1)) && command -v systemctl >/dev/null 2>&1 &&
                _miroir_as_root systemctl stop nats-server 2>/dev/null &&
                _miroir_wait 10 _miroir_port_closed "$host" "$port"; then
                _miroir_say "stopped the nats-server system service (it runs without JetStream)"
            else
                _miroir_die "NATS on $host:$port runs without JetStream; restart it with -js" \
                    "(e.g. sudo systemctl stop nats-server, then run this again)."
                return 1
            fi
        else
            _miroir_say "NATS: already running on $host:$port"
            return 0
        fi
    fi
    if ! _miroir_is_local "$host"; then
        _miroir_die "NATS at $host:$port (MIROIR_TEST_NATS_URL) does not answer."
        return 1
    fi
    _miroir_start_nats "$port" || return 1
    _miroir_say "NATS: started with JetStream on 127.0.0.1:$port (pid $_miroir_started_nats_pid)"
}

# ---------------------------------------------------------------------------------------------------------------------

miroir_ensure_services() {
    : "${MIROIR_TEST_POSTGRES_URL:=$MIROIR_DEFAULT_POSTGRES_URL}"
    : "${MIROIR_TEST_NATS_URL:=$MIROIR_DEFAULT_NATS_URL}"
    export MIROIR_TEST_POSTGRES_URL MIROIR_TEST_NATS_URL
    local pg_host pg_port nats_host nats_port
    read -r pg_host pg_port < <(_miroir_url_host_port "$MIROIR_TEST_POSTGRES_URL" 5432)
    read -r nats_host nats_port < <(_miroir_url_host_port "$MIROIR_TEST_NATS_URL" 4222)
    _miroir_install_missing "$pg_host" "$pg_port" "$nats_host" "$nats_port" || return 1
    miroir_ensure_postgres || return 1
    miroir_ensure_nats || return 1
}

# Stop what miroir_ensure_services started in this shell (nothing that was already running).
miroir_stop_services() {
    if [[ -n "$_miroir_started_nats_pid" ]]; then
        _miroir_say "stopping the NATS server started here (pid $_miroir_started_nats_pid)"
        kill "$_miroir_started_nats_pid" 2>/dev/null || true
        _miroir_started_nats_pid=""
    fi
    if [[ -n "$_miroir_started_pg_cluster" ]]; then
        _miroir_say "stopping the PostgreSQL cluster started here ($_miroir_started_pg_cluster)"
        # shellcheck disable=SC2086 # "version name"
        _miroir_as_root pg_ctlcluster -m fast $_miroir_started_pg_cluster stop 2>/dev/null ||
            _miroir_as_postgres pg_ctlcluster -m fast $_miroir_started_pg_cluster stop 2>/dev/null || true
        _miroir_started_pg_cluster=""
    fi
}
