#!/usr/bin/env bash
# Tests .mvn/select-jdk.sh (which ./mvnw, .ci/run and scripts/ source) on fake JDK homes: which JDK
# it selects (JAVA_HOME if 21+, else the newest 21+ installed, the PATH's java being one candidate
# among them), and that it gives Maven --sun-misc-unsafe-memory-access=allow only for a JDK 23+
# (JDK 21 and 22 refuse to start with it). Each case sources the script in a fresh shell, under
# POSIX sh with `set -euf` as ./mvnw does and under bash with `set -euo pipefail` as .ci/run does.
# The root pom runs it in the test phase of `./mvnw verify`; it takes well under a second.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
script="$here/.mvn/select-jdk.sh"
flag=--sun-misc-unsafe-memory-access=allow

tmp=$(mktemp -d "${TMPDIR:-/tmp}/distproc-select-jdk.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fake_jdk() { # $1: home, $2: JAVA_VERSION of its release file
  mkdir -p "$1/bin"
  printf 'IMPLEMENTOR="test"\nJAVA_VERSION="%s"\n' "$2" >"$1/release"
  for tool in java javac; do
    printf '#!/bin/sh\nexit 0\n' >"$1/bin/$tool"
    chmod +x "$1/bin/$tool"
  done
}
fake_jdk "$tmp/jvm/jdk-17" 17.0.15
fake_jdk "$tmp/jvm/jdk-21" 21.0.5
fake_jdk "$tmp/jvm/jdk-22" 22.0.2
fake_jdk "$tmp/jvm/jdk-25" 25
fake_jdk "$tmp/path/jdk-21" 21.0.5
fake_jdk "$tmp/path/jdk-25" 25.0.1
fake_jdk "$tmp/path/jdk-17" 17.0.15
mkdir -p "$tmp/empty"

# Only the tools the script uses are on the PATH, so no real java there takes part.
mkdir -p "$tmp/tools"
for tool in sed dirname readlink; do
  ln -s "$(command -v "$tool")" "$tmp/tools/$tool"
done

passed=0
failed=0

# run SHELL_LINE JAVA_HOME PATH_JDK CANDIDATES MAVEN_OPTS TIMES: sources the script TIMES times and
# prints "JAVA_HOME|MAVEN_OPTS" as they are afterwards ("-" for unset JAVA_HOME or no PATH java).
run() {
  local shell=$1 java_home=$2 path_jdk=$3 candidates=$4 opts=$5 times=$6 path="$tmp/tools" src=""
  [ "$path_jdk" = - ] || path="$path:$path_jdk/bin"
  for _ in $(seq "$times"); do src="$src . \"$script\";"; done
  env -i PATH="$path" HOME="$tmp/empty" DISTPROC_JDK_CANDIDATES="$candidates" MAVEN_OPTS="$opts" \
    ${java_home:+JAVA_HOME="$java_home"} \
    $shell "$src"' printf "%s|%s\n" "${JAVA_HOME:--}" "${MAVEN_OPTS-}"' 2>/dev/null
}

# check NAME EXPECTED_JAVA_HOME EXPECTED_MAVEN_OPTS JAVA_HOME PATH_JDK CANDIDATES [MAVEN_OPTS [TIMES]]
check() {
  local name=$1 want="$2|$3" shell got ok=1
  for shell in "/bin/sh -euf -c" "$(command -v bash) -euo pipefail -c"; do
    got=$(run "$shell" "$4" "$5" "$6" "${7-}" "${8-1}")
    if [ "$got" != "$want" ]; then
      echo "select-jdk-test: FAILED $name under ${shell%% *}: got '$got', want '$want'" >&2
      ok=0
    fi
  done
  if [ "$ok" = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

j=$tmp/jvm
p=$tmp/path
check "JAVA_HOME 21 is kept; no flag for JDK 21" \
  "$j/jdk-21" "" "$j/jdk-21" "$p/jdk-25" "$j/jdk-25"
check "JAVA_HOME 22 is kept; no flag for JDK 22" \
  "$j/jdk-22" "" "$j/jdk-22" - "$j/jdk-25"
check "JAVA_HOME 25 is kept; the flag for JDK 25" \
  "$j/jdk-25" "$flag" "$j/jdk-25" - "$j/jdk-21"
check "JAVA_HOME 17 is passed over for the newest installed" \
  "$j/jdk-25" "$flag" "$j/jdk-17" - "$j/*"
check "a newer installed JDK wins over the PATH's java" \
  "$j/jdk-25" "$flag" "" "$p/jdk-21" "$j/*"
check "the PATH's java wins when it is the newest" \
  "$p/jdk-25" "$flag" "" "$p/jdk-25" "$j/jdk-21 $j/jdk-22"
check "the PATH's java wins a tie" \
  "$p/jdk-21" "" "" "$p/jdk-21" "$j/jdk-21"
check "a PATH java older than 21 is not taken" \
  "$j/jdk-22" "" "" "$p/jdk-17" "$j/jdk-17 $j/jdk-22"
check "no JDK 21+ anywhere: JAVA_HOME stays unset, no flag" \
  "-" "" "" "$p/jdk-17" "$j/jdk-17"
check "the user's MAVEN_OPTS are kept, the flag appended" \
  "$j/jdk-25" "-Xmx1g $flag" "$j/jdk-25" - "" "-Xmx1g"
check "sourced twice (a script, then ./mvnw): the flag once" \
  "$j/jdk-25" "$flag" "" - "$j/*" "" 2
check "no flag for JDK 21 even when sourced twice" \
  "$j/jdk-21" "-Xmx1g" "" - "$j/jdk-17 $j/jdk-21" "-Xmx1g" 2

echo "select-jdk-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
