#!/usr/bin/env bash
# Switchboard benchmark suite: one command, see bench/README.md.
#
#   bench/run.sh                       # every scenario at full scale (needs an idle machine, < 20 min)
#   bench/run.sh --smoke               # every scenario at small scale (a few minutes)
#   bench/run.sh fanout rest           # some scenarios: fanout idle connect rest platform storm startup
#   bench/run.sh fanout --org-sizes 10,100 --changes 300   # any driver option (README) after the scenarios
#   bench/run.sh sip                   # SIP through Kamailio (SIPp phones): not part of the full run
#
# Builds the service and the bench jar, starts a dedicated PostgreSQL cluster pinned to the server
# CPU, generates JWT keys, then the driver starts the packaged service and the floor server on the
# server CPU and runs the load from the client CPU. Results: bench/results/<timestamp>/.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
SERVER_CPUS="${BENCH_SERVER_CPUS:-0}"
CLIENT_CPUS="${BENCH_CLIENT_CPUS:-1}"
PG_PORT="${BENCH_PG_PORT:-55871}"
PG_CLUSTER="${BENCH_PG_CLUSTER:-bench}"
SERVICE_PORT="${BENCH_SERVICE_PORT:-18181}"
# The service's management interface: health (readiness polls) and metrics (heap readings).
SERVICE_MANAGEMENT_PORT="${BENCH_SERVICE_MANAGEMENT_PORT:-18183}"
FLOOR_PORT="${BENCH_FLOOR_PORT:-18282}"

orig_args="$*"
scenarios=()
driver_args=()
smoke=0
pg_stats=0
while [ $# -gt 0 ]; do
  case "$1" in
    fanout|idle|connect|rest|platform|storm|startup|sip) scenarios+=("$1") ;;
    all) scenarios+=(fanout idle connect rest platform storm startup) ;;
    --smoke) smoke=1 ;;
    --pg-stats) pg_stats=1; driver_args+=("$1") ;;
    --*) driver_args+=("$1"); if [ $# -gt 1 ] && [[ "$2" != --* ]]; then driver_args+=("$2"); shift; fi ;;
    *) echo "unknown argument: $1 (scenarios: fanout idle connect rest platform storm startup sip)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#scenarios[@]} -eq 0 ] && scenarios=(fanout idle connect rest platform storm startup)
scenario_list="$(IFS=,; echo "${scenarios[*]}")"
smoke_args=()
if [ "$smoke" = 1 ]; then
  smoke_args=(--org-sizes 10,100 --sustained-org-size 100 --changes 200 --warmup-changes 20 --idle-connections 400 --fleet-org-size 20
              --workers 2 --idle-cpu-seconds 5 --baseline-cpu-seconds 2 --startup-runs 2 --step-seconds 3
              --delivery-rates 2000,5000,10000,20000,40000 --rest-rates 100,200,400,800 --rest-step-seconds 3
              --platform-orgs 4 --platform-users-per-org 25 --platform-devices-per-user 2 --platform-rates 100,200,400,800
              --platform-step-seconds 3 --platform-warmup-seconds 5 --platform-warmup-max-seconds 15 --storm-route-rate 20
              --sip-phones 20 --sip-orgs 2 --sip-users-per-org 50 --sip-devices-per-user 2 --sip-call-rate 20 --sip-call-seconds 5
              --sip-rounds 2 --sip-warmup-seconds 5 --sip-storm-rate 40 --sip-settle-seconds 30)
fi

# --- how busy is the machine before we start (our own build would spoil the reading) -----------
cpu_busy() { # percent of all CPU time not idle over 2 s
  read -r _ a b c d e f g _ < /proc/stat; t1=$((a+b+c+d+e+f+g)); i1=$((d+e))
  sleep 2
  read -r _ a b c d e f g _ < /proc/stat; t2=$((a+b+c+d+e+f+g)); i2=$((d+e))
  echo $(( 100 * ((t2-t1) - (i2-i1)) / (t2-t1) ))
}
busy="$(cpu_busy)"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$busy" -le 10 ]; then
  machine_state="idle (${busy}% CPU busy before the run, load ${load})"
else
  machine_state="CONTENDED (${busy}% CPU busy before the run, load ${load}): figures are not final"
fi

# --- limits and machine -------------------------------------------------------------------------
hard="$(ulimit -Hn)"
ulimit -n "$hard" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 20000 ]; then
  ulimit -n 20000 2>/dev/null || echo "NOTE: cannot raise the open-files limit to 20000 (it is $(ulimit -n)): idle-connection counts near 19,000 will fail"
fi
echo "== machine: $(nproc --all) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB, ulimit -n $(ulimit -n) (hard ${hard}), $(java -version 2>&1 | head -n 1)"
echo "== state:   ${machine_state}"
echo "== server on CPU ${SERVER_CPUS} (service, floor, PostgreSQL), clients on CPU ${CLIENT_CPUS}; scenarios: ${scenario_list}"

# The SIP scenario needs Kamailio 5.6 with its modules and SIPp (integrations/kamailio/README.md).
if [[ " ${scenarios[*]} " == *" sip "* ]]; then
  for need in kamailio sipp; do
    command -v "$need" >/dev/null || { echo "the sip scenario needs $need: apt-get install kamailio kamailio-utils-modules kamailio-extra-modules kamailio-presence-modules sip-tester" >&2; exit 1; }
  done
fi

# --- build --------------------------------------------------------------------------------------
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building the service and the bench jar"
  (cd "$REPO" && ./mvnw -B -q package -Dmaven.test.skip=true)  # tests neither compiled nor run
  (cd "$REPO" && ./mvnw -B -q -f bench/pom.xml package)
fi
SERVICE_JAR="$REPO/target/quarkus-app/quarkus-run.jar"
BENCH_JAR="$BENCH_DIR/target/switchboard-bench.jar"
[ -f "$SERVICE_JAR" ] && [ -f "$BENCH_JAR" ] || { echo "missing $SERVICE_JAR or $BENCH_JAR" >&2; exit 1; }

# --- PostgreSQL: a dedicated Debian cluster, started pinned to the server CPU -----------------------
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "== installing PostgreSQL (Debian package)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGV="$(ls /usr/lib/postgresql | sort -n | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PGV $PG_CLUSTER"; then
  pg_createcluster "$PGV" "$PG_CLUSTER" --port "$PG_PORT" >/dev/null
  echo "max_connections = 200" > "/etc/postgresql/$PGV/$PG_CLUSTER/conf.d/bench.conf"
fi
pg_ctlcluster "$PGV" "$PG_CLUSTER" stop >/dev/null 2>&1 || true
# --pg-stats: per-statement time (pg_stat_statements) for each scenario; off by default, as it
# costs PostgreSQL a little on every statement.
if [ "$pg_stats" = 1 ]; then
  # track_planning: a statement's planning time is outside its execution time, and can be the larger
  printf "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track_planning = on\n" \
    > "/etc/postgresql/$PGV/$PG_CLUSTER/conf.d/stats.conf"
else
  rm -f "/etc/postgresql/$PGV/$PG_CLUSTER/conf.d/stats.conf"
fi
# another PostgreSQL may already listen on the port: take the next free one
while ss -ltn "sport = :$PG_PORT" | grep -q LISTEN; do PG_PORT=$((PG_PORT + 1)); done
pg_conftool "$PGV" "$PG_CLUSTER" set port "$PG_PORT"
taskset -c "$SERVER_CPUS" pg_ctlcluster "$PGV" "$PG_CLUSTER" start
PG_PID="$(head -n 1 "/var/lib/postgresql/$PGV/$PG_CLUSTER/postmaster.pid")"
KEYS="$(mktemp -d)"
cleanup() {
  pg_ctlcluster "$PGV" "$PG_CLUSTER" stop >/dev/null 2>&1 || true
  rm -rf "$KEYS"
}
trap cleanup EXIT
psql_pg() { runuser -u postgres -- psql -q -p "$PG_PORT" -v ON_ERROR_STOP=1 "$@"; }
psql_pg -c "DROP DATABASE IF EXISTS switchboard_bench" >/dev/null
psql_pg -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchboard_bench') THEN CREATE ROLE switchboard_bench LOGIN PASSWORD 'bench'; END IF; END \$\$" >/dev/null
psql_pg -c "CREATE DATABASE switchboard_bench OWNER switchboard_bench" >/dev/null
[ "$pg_stats" = 1 ] && psql_pg -d switchboard_bench -c "CREATE EXTENSION pg_stat_statements" >/dev/null

# --- JWT keys and the service's environment ------------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEYS/private.pem" 2>/dev/null
openssl pkey -in "$KEYS/private.pem" -pubout -out "$KEYS/public.pem"
export QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:${PG_PORT}/switchboard_bench"
export QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:${PG_PORT}/switchboard_bench"
export QUARKUS_DATASOURCE_USERNAME=switchboard_bench QUARKUS_DATASOURCE_PASSWORD=bench
export SMALLRYE_JWT_SIGN_KEY_LOCATION="$KEYS/private.pem" MP_JWT_VERIFY_PUBLICKEY_LOCATION="$KEYS/public.pem"
export SWITCHBOARD_OPERATOR_EMAIL=operator@bench.test SWITCHBOARD_OPERATOR_PASSWORD=bench-operator-password
# The SIP platform's client credentials: the platform mix and the storm log in with them (the floor reads the same).
export SWITCHBOARD_PLATFORM_CLIENT_ID=bench-platform SWITCHBOARD_PLATFORM_CLIENT_SECRET=bench-platform-secret
# Set-up logs in thousands of users from one address, once each: lift the login limits. bcrypt cost 4
# keeps that set-up short; no scenario measures password hashing. Each fleet user holds 5 sockets.
export SWITCHBOARD_AUTH_LOGIN_PER_ADDRESS_PER_MINUTE=10000000 SWITCHBOARD_AUTH_LOGIN_PER_EMAIL_PER_MINUTE=1000
export SWITCHBOARD_AUTH_BCRYPT_COST=4 SWITCHBOARD_WS_MAX_CONNECTIONS_PER_USER=50 SWITCHBOARD_AUTH_TOKEN_LIFETIME=6H
# Stopping is not measured and happens 4 times a run: no drain delay (5 s) and a 1 s graceful timeout
# (10 s, always used up once a socket has been open).
export QUARKUS_SHUTDOWN_DELAY=0S QUARKUS_SHUTDOWN_TIMEOUT=1S

OUT="$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

# The JVM image runs on JDK 25 with an AOT cache (docs/deploy.md): record one the same way for the
# start-up scenario's third row, when a JDK 25 or newer is on this machine (BENCH_AOT_JAVA overrides).
aot_args=()
if [[ ",$scenario_list," == *",startup,"* ]]; then
  AOT_JAVA="${BENCH_AOT_JAVA:-$(ls -d /usr/lib/jvm/*-2[5-9]*/bin/java 2>/dev/null | tail -n 1)}"
  if [ -n "$AOT_JAVA" ] && [ -x "$AOT_JAVA" ]; then
    echo "== recording the JVM image's AOT cache with $AOT_JAVA (not measured)"
    if JAVA="$AOT_JAVA" HTTP_PORT="$SERVICE_PORT" MANAGEMENT_PORT="$SERVICE_MANAGEMENT_PORT" \
        "$REPO/src/main/docker/train-aot-cache.sh" "$(dirname "$SERVICE_JAR")" > "$OUT/aot-training.txt" 2>&1; then
      aot_args=(--aot-java "$AOT_JAVA")
    else
      echo "NOTE: recording the AOT cache failed (see $OUT/aot-training.txt); start-up without it only"
    fi
  else
    echo "NOTE: no JDK 25 or newer found (set BENCH_AOT_JAVA): start-up without the JVM image's AOT cache only"
  fi
fi
cd "$REPO"
taskset -c "$CLIENT_CPUS" java -Xms1g -Xmx4g -jar "$BENCH_JAR" driver \
  --out "$OUT" --service-jar "$SERVICE_JAR" --bench-jar "$BENCH_JAR" --db-pid "$PG_PID" --pg-port "$PG_PORT" \
  --server-cpus "$SERVER_CPUS" --client-cpus "$CLIENT_CPUS" --service-port "$SERVICE_PORT" \
  --service-management-port "$SERVICE_MANAGEMENT_PORT" --floor-port "$FLOOR_PORT" \
  --scenarios "$scenario_list" --machine-state "$machine_state" --command "bench/run.sh ${orig_args}" \
  "${aot_args[@]}" "${smoke_args[@]}" "${driver_args[@]}" 2>&1 | tee "$OUT/stdout.txt"
exit "${PIPESTATUS[0]}"
