#!/usr/bin/env bash
# Builds the sample service's images (release-pilot-sample:VERSION) locally, for the demo's
# Docker mode and for trying the Docker templates: the static binary, then one image per version
# through the Docker API (the docker CLI posts the same build context the tests build in-memory).
#
# Usage:
#   scripts/build-sample-images.sh VERSION...            build release-pilot-sample:VERSION
#   scripts/build-sample-images.sh --broken VERSION      build VERSION with a failing health check
#   scripts/build-sample-images.sh --start OLD NEW...    build, then run OLD as release-pilot-sample
#                                                        on http://127.0.0.1:8080 (volume
#                                                        release-pilot-sample-data)
#   scripts/build-sample-images.sh --clean               remove the container, volume and images
source "$(dirname "${BASH_SOURCE[0]}")/lib/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/docker.sh"
cd "$ROOT"

container="release-pilot-sample"
volume="release-pilot-sample-data"
label="dev.release-pilot.sample=1"

ensure_docker
if [[ "${1:-}" == "--clean" ]]; then
  docker ps -aq --filter "name=^${container}" | xargs -r docker rm -f >/dev/null
  docker volume rm -f "$volume" >/dev/null
  docker images -q --filter "label=$label" | sort -u | xargs -r docker rmi -f >/dev/null
  log "Removed the sample container(s), volume and images"
  exit 0
fi

broken=0 start=""
case "${1:-}" in
  --broken) broken=1; shift ;;
  --start) start="${2:?--start needs the version to run}"; shift ;;
esac
[ "$#" -gt 0 ] || { sed -n '2,14p' "$0" >&2; exit 2; }

ensure_rust
log "Building the static sample service"
binary_dir="$CARGO_TARGET_DIR/sample-static"
RUSTFLAGS='-C target-feature=+crt-static' CARGO_TARGET_DIR="$binary_dir" \
  cargo build --release -p sample-service --target x86_64-unknown-linux-gnu
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp "$binary_dir/x86_64-unknown-linux-gnu/release/sample-service" tests/sample-service/Dockerfile "$context/"

for version in "$@"; do
  log "Building release-pilot-sample:$version$([ "$broken" = 1 ] && echo ' (broken health check)')"
  docker build --quiet --build-arg "VERSION=$version" --build-arg "FAIL_HEALTH=$broken" \
    -t "release-pilot-sample:$version" "$context" >/dev/null
done

if [ -n "$start" ]; then
  docker rm -f "$container" >/dev/null 2>&1 || true
  docker volume create "$volume" >/dev/null
  docker run -d --name "$container" --network host -v "$volume:/data" \
    -e SAMPLE_ENVIRONMENT=staging "release-pilot-sample:$start" >/dev/null
  for _ in $(seq 1 30); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$container")" = healthy ] && break
    sleep 1
  done
  log "release-pilot-sample:$start runs as $container on http://127.0.0.1:8080 ($(docker inspect -f '{{.State.Health.Status}}' "$container"))"
fi
