#!/usr/bin/env bash
# Builds the distproc-node image from this checkout's jars, pulling nothing:
#   FROM scratch + a jlink'ed runtime of the build JDK + the glibc files it links against + jars.
# Called by the docker module's Maven build (package phase):
#   build-image.sh IMAGE_TAG NODE_JAR IMAGE_DIR JAVA_HOME
# IMAGE_DIR/lib holds the node's runtime dependencies (maven-dependency-plugin). The jlink'ed
# runtime is cached in IMAGE_DIR/jre and rebuilt only when the JDK or the module list changes.
# Without a reachable Docker engine it prints why and exits 0: the container suite then skips
# (or fails, with CI=true). DISTPROC_IMAGE_REQUIRED=true makes a missing engine an error here too.
set -euo pipefail

tag="$1" node_jar="$2" image_dir="$3" java_home="$4"
here="$(cd "$(dirname "$0")" && pwd)"
started=$(date +%s%N)

say() { echo "build-image: $*"; }
fail() {
  echo "build-image: $*" >&2
  exit 1
}

if ! docker info >/dev/null 2>&1; then
  if [ "${DISTPROC_IMAGE_REQUIRED:-false}" = true ]; then
    fail "no Docker engine reachable: cannot build $tag (scripts/docker-engine.sh starts one)"
  fi
  say "no Docker engine reachable: image $tag not built; the container tests will skip (scripts/docker-engine.sh starts an engine)"
  exit 0
fi
[ -f "$node_jar" ] || fail "the node jar $node_jar is missing: run the package phase"
[ -d "$image_dir/lib" ] || fail "$image_dir/lib is missing: run the package phase"

# Modules the node needs, from `jdeps --print-module-deps` on each runtime jar: java.base,
# java.logging (grpc, guava, protobuf), java.naming (grpc's DNS resolver, netty), java.xml
# (logback's configuration), java.management (logback, JVM metrics), jdk.jfr (netty's events),
# jdk.unsupported (sun.misc.Unsafe for netty and protobuf), jdk.crypto.ec (TLS, later).
modules="${DISTPROC_IMAGE_MODULES:-java.base,java.logging,java.naming,java.xml,java.management,jdk.jfr,jdk.unsupported,jdk.crypto.ec}"
java_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$java_home/release")
java_major=${java_version%%.*}

# --- 1. the Java runtime (cached) ---------------------------------------------------------------
jre="$image_dir/jre"
stamp="$java_home $java_version $modules"
if [ ! -f "$jre.stamp" ] || [ "$(cat "$jre.stamp")" != "$stamp" ] || [ ! -x "$jre/bin/java" ]; then
  say "jlink: $modules (JDK $java_version)"
  rm -rf "$jre" "$jre.stamp"
  "$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --generate-cds-archive --output "$jre"
  echo "$stamp" >"$jre.stamp"
fi

# --- 2. the root file system --------------------------------------------------------------------
rootfs="$image_dir/context/rootfs"
rm -rf "$image_dir/context"
mkdir -p "$rootfs/opt/distproc/lib" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp" # netty unpacks its native transport here
cp -al "$jre" "$rootfs/opt/java" 2>/dev/null || cp -a "$jre" "$rootfs/opt/java"
cp "$image_dir"/lib/*.jar "$rootfs/opt/distproc/lib/"
cp "$node_jar" "$rootfs/opt/distproc/lib/"
# JVM options that depend on the JDK's version; the ENTRYPOINT reads them with @file.
{
  if [ "$java_major" -ge 23 ]; then
    echo "--sun-misc-unsafe-memory-access=allow" # netty and protobuf use sun.misc.Unsafe
  fi
} >"$rootfs/opt/distproc/jvm.options"

# glibc: what ldd lists for the launcher, the JVM and the runtime's own libraries, copied at the
# same paths (the dynamic loader looks there), symlinks resolved.
libs=$(ldd "$jre/bin/java" "$jre/lib/server/libjvm.so" "$jre"/lib/*.so 2>/dev/null \
  | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | sort -u)
for lib in $libs; do
  case "$lib" in "$jre"/*) continue ;; esac
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done

cp "$here/Dockerfile" "$image_dir/context/Dockerfile"

# --- 3. the image -------------------------------------------------------------------------------
old=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
version="${tag##*:}"
DOCKER_BUILDKIT=0 docker build --quiet --build-arg "VERSION=$version" -t "$tag" \
  "$image_dir/context" >"$image_dir/build.log" 2>&1 \
  || fail "docker build of $tag failed: $(tail -n 3 "$image_dir/build.log" | tr '\n' ' ')"
new=$(docker image inspect --format '{{.Id}}' "$tag")
if [ -n "$old" ] && [ "$old" != "$new" ]; then
  docker rmi "$old" >/dev/null 2>&1 || true # the previous build, unless a container still uses it
fi
size=$(docker image inspect --format '{{.Size}}' "$tag")
say "built $tag (${new:7:12}, $((size / 1000000)) MB, runtime of JDK $java_version) in $(( ($(date +%s%N) - started) / 1000000 )) ms"
