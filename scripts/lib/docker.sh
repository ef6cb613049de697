# Docker for the tests: make sure a Docker engine answers on this machine. Sourced, not run
# (after lib/setup.sh, which provides log, as_root and ensure_packages).
#
# When /var/run/docker.sock (or a unix:// DOCKER_HOST) does not answer, installs Debian's
# docker.io if dockerd is missing, then starts `dockerd --bridge=none --iptables=false` on the
# Unix socket only — never on a TCP port, never on a public interface: test containers use host
# networking and bind 127.0.0.1. Waits until the engine answers (30 s at most).

DOCKER_SOCKET="/var/run/docker.sock"
if [[ "${DOCKER_HOST:-}" == unix://* ]]; then DOCKER_SOCKET="${DOCKER_HOST#unix://}"; fi

docker_answers() {
  curl --silent --fail --max-time 2 --unix-socket "$DOCKER_SOCKET" http://localhost/_ping >/dev/null 2>&1
}

ensure_docker() {
  if docker_answers; then return 0; fi
  if [[ -n "${DOCKER_HOST:-}" && "${DOCKER_HOST}" != unix://* ]]; then
    echo "error: DOCKER_HOST=$DOCKER_HOST does not answer; start that engine (this script only starts a local one)" >&2
    return 1
  fi
  if ! command -v dockerd >/dev/null; then
    ensure_packages docker.io
  fi
  local log_file="${TMPDIR:-/tmp}/release-pilot-dockerd.log"
  log "Starting dockerd (Unix socket $DOCKER_SOCKET only, no bridge, no iptables); log: $log_file"
  as_root sh -c "nohup dockerd --bridge=none --iptables=false -H 'unix://$DOCKER_SOCKET' >'$log_file' 2>&1 &"
  local waited=0
  until docker_answers; do
    if [ "$waited" -ge 30 ]; then
      echo "error: dockerd did not answer on $DOCKER_SOCKET within 30 s; see $log_file" >&2
      tail -n 20 "$log_file" >&2 || true
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  # The tests run as this user: let it use the socket when it is not root.
  if [ "$(id -u)" -ne 0 ]; then as_root chmod 666 "$DOCKER_SOCKET"; fi
}

# Remove every container, volume and image labelled as the tests' (dev.release-pilot.test),
# and helper containers the engine made (dev.release-pilot.helper). Each test removes its own;
# this is the safety net for a test that was killed before its guard ran.
remove_test_docker_resources() {
  command -v docker >/dev/null || return 0
  docker_answers || return 0
  local label
  for label in dev.release-pilot.test dev.release-pilot.helper; do
    docker ps -aq --filter "label=$label" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=$label" | xargs -r docker volume rm -f >/dev/null 2>&1 || true
    docker images -q --filter "label=$label" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  done
}
