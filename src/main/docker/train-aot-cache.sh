#!/usr/bin/env bash
# Records the JDK's AOT cache (JDK 25: JEP 483 class loading and linking, JEP 514/515 one-step
# recording with method profiles) for the packaged service: starts it once with
# -XX:AOTCacheOutput, sends it what a normal start and its first clients send, stops it; the JVM
# writes APP_DIR/app.aot at exit. Start the service with `java -XX:AOTCache=app.aot -jar
# quarkus-run.jar` from the same JDK build and the same APP_DIR path (a mismatch only costs the
# speed-up: the JVM then warns and starts without the cache).
#
#   train-aot-cache.sh APP_DIR        # APP_DIR: target/quarkus-app (the fast-jar or aot-jar layout)
#
# Needs what a normal start needs in the environment (README.md, "Configuration": the datasource,
# JWT keys, SWITCHBOARD_OPERATOR_EMAIL/PASSWORD), a database it may migrate, and curl.
# JAVA selects the JDK (default: java on the PATH; must be 25 or newer). HTTP_PORT and
# MANAGEMENT_PORT (default 8080 and 9000) must be free.
set -euo pipefail

app_dir="$(cd "${1:?usage: train-aot-cache.sh APP_DIR}" && pwd)"
java="${JAVA:-java}"
http_port="${HTTP_PORT:-8080}"
management_port="${MANAGEMENT_PORT:-9000}"
base="http://127.0.0.1:${http_port}"

version="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [ "${version%%.*}" -lt 25 ]; then
  echo "train-aot-cache.sh: $java is Java ${version}; the AOT cache needs JDK 25 or newer" >&2
  exit 2
fi

cd "$app_dir"
rm -f app.aot
QUARKUS_HTTP_PORT="$http_port" QUARKUS_MANAGEMENT_PORT="$management_port" QUARKUS_SHUTDOWN_DELAY=0S \
  "$java" -XX:AOTCacheOutput=app.aot -Xlog:aot=error -jar quarkus-run.jar > train-aot-cache.log 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf -o /dev/null "http://127.0.0.1:${management_port}/q/health/ready" && break
  kill -0 "$pid" 2>/dev/null || { echo "the service did not start; see $app_dir/train-aot-cache.log" >&2; exit 1; }
  sleep 0.2
done

# What the first minutes of a replica's life look like: probes, a sign-in, reads, a problem answer.
json='content-type: application/json'
token="$(curl -sf -X POST -H "$json" \
  -d "{\"email\":\"${SWITCHBOARD_OPERATOR_EMAIL}\",\"password\":\"${SWITCHBOARD_OPERATOR_PASSWORD}\"}" \
  "$base/api/auth/token" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')"
[ -n "$token" ] || { echo "the operator could not sign in; check SWITCHBOARD_OPERATOR_*" >&2; exit 1; }
for _ in $(seq 1 50); do
  curl -sf -o /dev/null "http://127.0.0.1:${management_port}/q/health/live"
  curl -sf -o /dev/null "http://127.0.0.1:${management_port}/q/health/ready"
  curl -sf -o /dev/null -H "authorization: Bearer $token" "$base/api/orgs"
  curl -s -o /dev/null -H "authorization: Bearer $token" "$base/api/me"          # 403 problem
  curl -s -o /dev/null "$base/api/orgs"                                            # 401 problem
  curl -sf -o /dev/null "$base/"
done
curl -sf -o /dev/null "http://127.0.0.1:${management_port}/q/metrics"

kill -TERM "$pid"
wait "$pid" || true   # SIGTERM: exit status 143
trap - EXIT
[ -s app.aot ] || { echo "no app.aot written; see $app_dir/train-aot-cache.log" >&2; exit 1; }
echo "wrote $app_dir/app.aot ($(du -h app.aot | cut -f1))"
