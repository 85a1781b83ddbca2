#!/usr/bin/env bash
# Builds the benchmark modules and runs the seven workloads of BENCHMARKS.md on distproc and on
# Apache Pekko side by side, each in JVMs of its own (node B in another JVM for W4-W6), then
# prints a markdown table and writes JSON to benchmarks/target/. See benchmarks/README.md.
#
#   scripts/bench.sh            full sizes, 3 runs each (for the README's table)
#   scripts/bench.sh --quick    a tenth of the sizes (under 5 minutes on 2 cores)
#   scripts/bench.sh --smoke    W2 and W4 at a tenth, one run: fails only if something crashes
#   options: --only W1,W5   --sides distproc|pekko   --no-build   --jvm-flags "-XX:..."
set -euo pipefail
cd "$(dirname "$0")/.."
. .mvn/select-jdk.sh

mode=full
only=""
sides="distproc,pekko"
build=1
jvm_flags="${BENCH_JVM_FLAGS:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --full) mode=full ;;
    --quick) mode=quick ;;
    --smoke) mode=smoke; only="${only:-W2,W4}" ;;
    --only) only="$2"; shift ;;
    --sides) sides="$2"; shift ;;
    --no-build) build=0 ;;
    --jvm-flags) jvm_flags="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$build" = 1 ]; then
  echo "bench: building (./mvnw -q package -DskipTests -pl benchmarks,benchmarks-pekko -am)"
  ./mvnw -B -ntp -q package -DskipTests -pl benchmarks,benchmarks-pekko -am
fi

args=(--mode "$mode" --sides "$sides" --out "$PWD/benchmarks/target"
      --pekko-classpath "$PWD/benchmarks-pekko/target/classes:$PWD/benchmarks-pekko/target/lib/*")
[ -n "$only" ] && args+=(--only "$only")
[ -n "$jvm_flags" ] && args+=(--jvm-flags "$jvm_flags")
exec "$JAVA_HOME/bin/java" -Xmx256m -cp "$PWD/benchmarks/target/classes:$PWD/benchmarks/target/lib/*" \
  io.distproc.benchmarks.Driver "${args[@]}"
