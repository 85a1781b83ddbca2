#!/usr/bin/env bash
# Makes a Docker engine usable for the container tests, and stops it again afterwards.
#
#   scripts/docker-engine.sh [start]   ensure `docker info` works: use a running engine as it is;
#                                      otherwise install docker.io (as root, when dockerd is
#                                      missing) and start dockerd in the background
#   scripts/docker-engine.sh stop      stop the daemon this script started (by its recorded pid);
#                                      an engine it did not start is left alone
#   scripts/docker-engine.sh status    say whether an engine answers, and whether we started it
#
# State (pid file and daemon log) lives in $DISTPROC_DOCKER_STATE_DIR, by default
# /tmp/distproc-dockerd, outside target/ so `mvn clean` cannot lose the pid of a running daemon.
# $DISTPROC_DOCKER_START_TIMEOUT (seconds, default 60) bounds the wait for the daemon.
# Exits non-zero with one line on stderr saying why when no engine can be had.
set -euo pipefail

state_dir="${DISTPROC_DOCKER_STATE_DIR:-/tmp/distproc-dockerd}"
pid_file="$state_dir/dockerd.pid"
log_file="$state_dir/dockerd.log"
timeout_s="${DISTPROC_DOCKER_START_TIMEOUT:-60}"
socket="unix:///var/run/docker.sock"

say() { echo "docker-engine: $*"; }
fail() {
  echo "docker-engine: $*" >&2
  exit 1
}

engine_up() { docker info >/dev/null 2>&1; }

# Prints the pid recorded by an earlier start if that process is still a dockerd; else nothing.
our_daemon() {
  local pid
  [ -f "$pid_file" ] || return 0
  pid=$(cat "$pid_file" 2>/dev/null || true)
  case "$pid" in '' | *[!0-9]*) return 0 ;; esac
  if [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = dockerd ]; then
    echo "$pid"
  fi
}

last_log_line() {
  [ -s "$log_file" ] && tail -n 1 "$log_file" | cut -c1-200 || echo "(no log)"
}

install_engine() {
  command -v dockerd >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || fail "no Docker engine answers and dockerd is not installed; install Docker (as root: apt-get install docker.io) or start your engine"
  command -v apt-get >/dev/null 2>&1 || fail "no Docker engine answers, dockerd is not installed and there is no apt-get to install docker.io"
  say "dockerd is missing: installing Debian's docker.io (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$state_dir/apt.log" 2>&1 \
    || fail "apt-get update failed: $(tail -n 1 "$state_dir/apt.log")"
  apt-get install -y -qq docker.io >>"$state_dir/apt.log" 2>&1 \
    || fail "apt-get install docker.io failed: $(tail -n 1 "$state_dir/apt.log")"
  command -v dockerd >/dev/null 2>&1 || fail "docker.io installed but dockerd is not on the PATH"
}

start() {
  if engine_up; then
    say "engine already usable (server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    return 0
  fi
  mkdir -p "$state_dir"
  local pid
  pid=$(our_daemon)
  if [ -z "$pid" ]; then
    install_engine
    command -v docker >/dev/null 2>&1 || fail "dockerd is installed but the docker CLI is not on the PATH"
    [ "$(id -u)" = 0 ] || fail "no Docker engine answers, and starting dockerd needs root"
    say "starting dockerd (log: $log_file)"
    # Without job control a background job is not a process-group leader, so setsid execs dockerd
    # in place and $! is dockerd's own pid: the one `stop` may signal.
    setsid dockerd --host="$socket" >"$log_file" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pid_file"
  else
    say "dockerd $pid started earlier is still coming up"
  fi
  local deadline=$((SECONDS + timeout_s))
  until engine_up; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      fail "dockerd exited during start-up: $(last_log_line)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      local why
      why=$(last_log_line)
      stop >/dev/null # the daemon this script launched (by its recorded pid), never left behind
      fail "dockerd (pid $pid) did not answer within ${timeout_s} s, so it was stopped: $why"
    fi
    sleep 0.5
  done
  say "engine up (server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'), dockerd pid $pid)"
}

stop() {
  local pid
  pid=$(our_daemon)
  if [ -z "$pid" ]; then
    rm -f "$pid_file"
    say "no dockerd started by this script is running; nothing to stop"
    return 0
  fi
  say "stopping dockerd $pid"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "dockerd $pid ignored SIGTERM for 30 s: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$pid_file"
  say "dockerd $pid stopped"
}

status() {
  local pid
  pid=$(our_daemon)
  if engine_up; then
    say "engine usable${pid:+ (dockerd $pid, started by this script)}"
  else
    say "no engine answers${pid:+ (dockerd $pid, started by this script, is not ready)}"
    return 1
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) fail "usage: $0 [start|stop|status]" ;;
esac
