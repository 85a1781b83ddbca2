# Sourced by ./mvnw and the scripts in scripts/: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps JAVA_HOME when it is already 21+; otherwise takes the `java` on the PATH if that is 21+;
# otherwise the newest JDK 21+ found in the usual install places. Prints where it looked when
# none is found, and leaves JAVA_HOME alone (the build's enforcer then says what is missing).

_distproc_jdk_major() { # $1: a JDK home; prints its feature version, or nothing
  local release="$1/release" v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release")
    [ "$v" = 1 ] && v=$(sed -n 's/^JAVA_VERSION="1\.\([0-9]*\).*/\1/p' "$release")
    echo "$v"
  fi
}

_distproc_select_jdk() {
  local want=21 home major best="" best_major=0 java_bin
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(_distproc_jdk_major "$JAVA_HOME")
    [ -n "$major" ] && [ "$major" -ge "$want" ] && return 0
  fi
  java_bin=$(command -v java 2>/dev/null || true)
  if [ -n "$java_bin" ]; then
    home=$(dirname "$(dirname "$(readlink -f "$java_bin")")")
    major=$(_distproc_jdk_major "$home")
    if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
      export JAVA_HOME="$home"
      return 0
    fi
  fi
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
      "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$home" ] || continue
    major=$(_distproc_jdk_major "$home")
    if [ -n "$major" ] && [ "$major" -ge "$want" ] && [ "$major" -gt "$best_major" ]; then
      best="$home"
      best_major="$major"
    fi
  done
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
  else
    echo "distproc: no JDK $want+ found (looked at JAVA_HOME, PATH, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks);" \
      "install one or set JAVA_HOME" >&2
  fi
}

case $- in *f*) _distproc_noglob=1; set +f ;; *) _distproc_noglob=0 ;; esac
_distproc_select_jdk
[ "$_distproc_noglob" = 1 ] && set -f
unset -f _distproc_select_jdk _distproc_jdk_major
unset _distproc_noglob
