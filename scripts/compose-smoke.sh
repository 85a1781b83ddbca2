#!/usr/bin/env bash
# Tries docker/compose.yaml for real, as a user would, with Debian's docker-compose:
#
#   1. `up -d` the cluster (alpha, running the workload, and two `node` containers named after
#      their host names, all seeded by the one DNS name `distproc`) from the image the build made;
#   2. waits until alpha's workload has made a round trip to both other nodes;
#   3. `up -d --scale node=3`: waits until the new container is linked to all three others and
#      alpha's workload has made a round trip to it too;
#   4. `down`: removes the containers and the network (also when a step fails or times out).
#
# Needs a Docker engine (scripts/docker-engine.sh start) and the image (./mvnw -pl docker -am
# package). $DISTPROC_IMAGE overrides the image; $DISTPROC_COMPOSE_TIMEOUT (seconds, default 90)
# bounds each wait. Exits non-zero with the nodes' logs when a step does not happen in time.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
export DISTPROC_IMAGE="${DISTPROC_IMAGE:-distproc-node:$version}"
timeout_s="${DISTPROC_COMPOSE_TIMEOUT:-90}"
project="distproc-smoke-$$"
compose=(docker-compose -f docker/compose.yaml -p "$project" --ansi never)

say() { echo "compose-smoke: $*"; }
fail() {
  echo "compose-smoke: $*" >&2
  "${compose[@]}" logs --no-color --tail=40 >&2 2>&1 || true
  exit 1
}

command -v docker-compose >/dev/null 2>&1 || fail "docker-compose is not installed (apt-get install docker-compose)"
docker image inspect "$DISTPROC_IMAGE" >/dev/null 2>&1 \
  || fail "image $DISTPROC_IMAGE is not built: ./mvnw -pl docker -am package -DskipTests"

cleanup() {
  "${compose[@]}" down --remove-orphans --timeout 10 >/dev/null 2>&1 \
    || echo "compose-smoke: 'down' failed for project $project" >&2
}
trap cleanup EXIT

# Waits until "$@" succeeds, polling, or fails with $what after the deadline.
await() {
  local what=$1
  shift
  local deadline=$((SECONDS + timeout_s))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "not within ${timeout_s} s: $what"
    sleep 1
  done
}

logs_of() { "${compose[@]}" logs --no-color "$1" 2>/dev/null; }
# Names of the nodes alpha's workload has made a round trip to.
round_trips() { logs_of alpha | sed -n 's/.*workload: round [0-9]*: spawn + ping \S* on \(\S*\)#[0-9]* took.*ended normally.*/\1/p' | sort -u; }
node_names() { for id in $("${compose[@]}" ps -q node); do echo "${id:0:12}"; done; }
round_trips_to_all() {
  local names
  names=$(node_names)
  [ -n "$names" ] || return 1
  for n in $names; do round_trips | grep -qx "$n" || return 1; done
}
linked_to() { # container id, how many peers: its log has node-up events for that many peers
  # (the event line's format: io.distproc.node.events.NodeEvent)
  [ "$(docker logs "$1" 2>&1 | sed -n 's/.*distproc-event node-up node=\([^# ]*\)#.*/\1/p' | sort -u | wc -l)" -ge "$2" ]
}

started=$SECONDS
say "up -d: alpha + 2 nodes of $DISTPROC_IMAGE (project $project)"
"${compose[@]}" up -d >/dev/null 2>&1 || fail "docker-compose up failed"
await "alpha's workload reaching both other nodes" round_trips_to_all
say "alpha's workload reached $(round_trips | tr '\n' ' ')after $((SECONDS - started)) s"

before=$(node_names)
say "up -d --scale node=3: one more node, seeded by the same DNS name"
"${compose[@]}" up -d --scale node=3 >/dev/null 2>&1 || fail "docker-compose up --scale node=3 failed"
added=$(node_names | grep -vxF "$before" || true)
[ "$(echo "$added" | grep -c .)" = 1 ] || fail "expected one new node container, got: $added"
new_id=$("${compose[@]}" ps -q node | grep "^$added")
await "the new node $added linked to the 3 others" linked_to "$new_id" 3
await "alpha's workload reaching the new node $added" round_trips_to_all
say "node $added joined the mesh; alpha reaches $(round_trips | tr '\n' ' ')after $((SECONDS - started)) s"

cleanup
trap - EXIT
left=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
[ -z "$left" ] || fail "containers left after down: $left"
say "down: containers and network removed; done in $((SECONDS - started)) s"
