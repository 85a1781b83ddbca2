# Sourced by ./mvnw, .ci/run and the scripts in scripts/ (POSIX sh; also under `set -euf`).
#
# 1. Makes JAVA_HOME point at a JDK 21 or newer: keeps JAVA_HOME when it is already 21+;
#    otherwise takes the NEWEST JDK 21+ among the `java` on the PATH and those in the usual install
#    places (the PATH's java is one candidate like the others; on a tie of feature versions it is
#    kept). Prints where it looked when none is found, and leaves JAVA_HOME alone (the build's
#    enforcer then says what is missing).
# 2. When the selected JDK is 23 or newer, adds --sun-misc-unsafe-memory-access=allow to
#    MAVEN_OPTS once (Maven's own libraries call sun.misc.Unsafe, which JDK 24+ warns about; JDK
#    21 and 22 reject the option, so it is never given to them).
#
# For tests only: DISTPROC_JDK_CANDIDATES, when set, replaces the install places searched with its
# own space-separated list of JDK homes (glob patterns allowed). scripts/test-select-jdk.sh uses it.

_distproc_jdk_major() { # $1: a JDK home; prints its feature version, or nothing
  _distproc_v=""
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    _distproc_v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release")
    [ "$_distproc_v" = 1 ] && _distproc_v=$(sed -n 's/^JAVA_VERSION="1\.\([0-9]*\).*/\1/p' "$1/release")
    echo "$_distproc_v"
  fi
}

_distproc_select_jdk() {
  _distproc_want=21
  _distproc_best=""
  _distproc_best_major=0
  if [ -n "${JAVA_HOME:-}" ]; then
    _distproc_major=$(_distproc_jdk_major "$JAVA_HOME")
    [ -n "$_distproc_major" ] && [ "$_distproc_major" -ge "$_distproc_want" ] && return 0
  fi
  _distproc_java=$(command -v java 2>/dev/null || true)
  _distproc_path_home=""
  if [ -n "$_distproc_java" ]; then
    _distproc_path_home=$(dirname "$(dirname "$(readlink -f "$_distproc_java")")")
  fi
  if [ "${DISTPROC_JDK_CANDIDATES+set}" = set ]; then
    set -- $DISTPROC_JDK_CANDIDATES
  else
    set -- /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "${HOME-}"/.sdkman/candidates/java/* \
      "${HOME-}"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home
  fi
  [ -z "$_distproc_path_home" ] || set -- "$_distproc_path_home" "$@"
  for _distproc_home in "$@"; do
    [ -d "$_distproc_home" ] || continue
    _distproc_major=$(_distproc_jdk_major "$_distproc_home")
    if [ -n "$_distproc_major" ] && [ "$_distproc_major" -ge "$_distproc_want" ] \
        && [ "$_distproc_major" -gt "$_distproc_best_major" ]; then
      _distproc_best="$_distproc_home"
      _distproc_best_major="$_distproc_major"
    fi
  done
  if [ -n "$_distproc_best" ]; then
    export JAVA_HOME="$_distproc_best"
  else
    echo "distproc: no JDK $_distproc_want+ found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks);" \
      "install one or set JAVA_HOME" >&2
  fi
}

_distproc_jvm_options() { # JVM options for Maven that only some JDK versions accept
  [ -n "${JAVA_HOME:-}" ] || return 0
  _distproc_major=$(_distproc_jdk_major "$JAVA_HOME")
  if [ -n "$_distproc_major" ] && [ "$_distproc_major" -ge 23 ]; then
    case " ${MAVEN_OPTS:-} " in
      *" --sun-misc-unsafe-memory-access="*) ;;
      *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}

case $- in *f*) _distproc_noglob=1; set +f ;; *) _distproc_noglob=0 ;; esac
_distproc_select_jdk
_distproc_jvm_options
[ "$_distproc_noglob" = 1 ] && set -f
unset -f _distproc_select_jdk _distproc_jdk_major _distproc_jvm_options
unset _distproc_noglob _distproc_v _distproc_want _distproc_best _distproc_best_major \
  _distproc_major _distproc_java _distproc_path_home _distproc_home
