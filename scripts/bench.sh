#!/usr/bin/env bash
# Builds the benchmark modules and runs the seven workloads of BENCHMARKS.md, the scaling W8 and W9
# and the fault layer's W10 on distproc, on Apache Pekko and on Erlang/OTP side by side, each in an
# OS process of its own (node B in another one for W4-W6, three more nodes for W9), then prints a
# markdown table and writes JSON to benchmarks/target/. Installs Debian's Erlang/OTP when erl is
# missing. See benchmarks/README.md.
#
#   scripts/bench.sh            full sizes, 3 runs each (for the README's table)
#   scripts/bench.sh --quick    a tenth of the sizes
#   scripts/bench.sh --smoke    W2 and W4 at a tenth, W8 and W9 at a hundredth, one run: fails
#                               only if something crashes
#   options: --only W1,W5   --sides distproc,pekko,erlang (any of them)   --no-build
#            --jvm-flags "-XX:..." (the Java sides only)
#            --warmups K (K more runs of each workload but W6 first, at the measured size, not
#            counted: the steady state, on every side)
#            --aot (each JVM side's workload but W6 starts from a JDK AOT cache written by a
#            training run of it at a tenth just before: JEP 483/515; the sides run from their jars)
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/select-jdk.sh

mode=full
only=""
sides="distproc,pekko,erlang"
build=1
jvm_flags="${BENCH_JVM_FLAGS:-}"
warmups=0
aot=0
while [ $# -gt 0 ]; do
  case "$1" in
    --full) mode=full ;;
    --quick) mode=quick ;;
    --smoke) mode=smoke; only="${only:-W2,W4,W8,W9}" ;;
    --only) only="$2"; shift ;;
    --sides) sides="$2"; shift ;;
    --no-build) build=0 ;;
    --jvm-flags) jvm_flags="$2"; shift ;;
    --warmups) warmups="$2"; shift ;;
    --aot) aot=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

# Debian's Erlang/OTP for the Erlang side (erl, erlc and epmd are in erlang-base), as .ci/run
# installs docker-compose.
case ",$sides," in
  *,erlang,*)
    if ! command -v erl >/dev/null 2>&1 || ! command -v erlc >/dev/null 2>&1; then
      if [ "$(id -u)" != 0 ]; then
        echo "bench: erl is missing: install Erlang/OTP (Debian: apt-get install erlang-base)," \
          "or leave it out with --sides distproc,pekko" >&2
        exit 1
      fi
      echo "bench: erl is missing: installing Debian's erlang-base (apt-get)"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq erlang-base >/dev/null
    fi
    ;;
esac

if [ "$build" = 1 ]; then
  echo "bench: building (./mvnw -q package -DskipTests -pl benchmarks,benchmarks-pekko -am)"
  ./mvnw -B -ntp -q package -DskipTests -pl benchmarks,benchmarks-pekko -am
fi

# The JDK's AOT cache takes class paths of jars only: with --aot the sides run from the jars that
# package made, else from the compiled classes.
if [ "$aot" = 1 ]; then
  distproc_main=$(ls "$PWD"/benchmarks/target/distproc-benchmarks-*.jar)
  pekko_main=$(ls "$PWD"/benchmarks-pekko/target/distproc-benchmarks-pekko-*.jar)
else
  distproc_main="$PWD/benchmarks/target/classes"
  pekko_main="$PWD/benchmarks-pekko/target/classes"
fi
args=(--mode "$mode" --sides "$sides" --out "$PWD/benchmarks/target"
      --distproc-classpath "$distproc_main:$PWD/benchmarks/target/lib/*"
      --pekko-classpath "$pekko_main:$PWD/benchmarks-pekko/target/lib/*"
      --erlang-dir "$PWD/benchmarks-erlang")
[ "$aot" = 1 ] && args+=(--aot true)
[ -n "$only" ] && args+=(--only "$only")
[ -n "$jvm_flags" ] && args+=(--jvm-flags "$jvm_flags")
args+=(--warmups "$warmups")

# The driver runs in a process group of its own (setsid), as does all it starts but Erlang's other
# nodes (the Erlang VM starts them in sessions of their own): workload JVMs and Erlang VMs, the
# JVMs' other nodes, epmd. It stops them itself; if it cannot (it was killed, or this script was
# interrupted), the trap stops the group, and the pids the driver wrote to bench.pids that are
# still processes of this checkout; SIGSTOPped ones included.
pids_file="$PWD/benchmarks/target/bench.pids"
rm -f "$pids_file"
driver=""
cleanup() {
  local left=""
  [ -f "$pids_file" ] && left=$(cat "$pids_file")
  if [ -n "$driver" ]; then
    kill -CONT -- "-$driver" 2>/dev/null || true
    kill -KILL -- "-$driver" 2>/dev/null || true
  fi
  for pid in $left; do
    if grep -qaF "$PWD/" "/proc/$pid/cmdline" 2>/dev/null; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$pids_file"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
setsid --wait "$JAVA_HOME/bin/java" -Xmx256m \
  -cp "$PWD/benchmarks/target/classes:$PWD/benchmarks/target/lib/*" \
  io.distproc.benchmarks.Driver "${args[@]}" &
driver=$!
status=0
wait "$driver" || status=$?
exit "$status"
