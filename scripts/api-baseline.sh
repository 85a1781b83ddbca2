#!/usr/bin/env bash
# Refreshes the API baselines that `./mvnw verify` compares the public API against (japicmp, see
# the root pom): builds the jars of the checked modules (tests skipped, nothing installed) and
# copies each to <module>/src/api-baseline/<artifactId>.jar (needs zip). Run it after an intended
# API change, look at `git diff --stat -- '*/src/api-baseline'`, and commit the new baselines
# with the change.
#
# Usage: scripts/api-baseline.sh [more Maven arguments, e.g. -o]
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(api runtime otp node-events integration-tests) # the modules with japicmp.skip=false

./mvnw -B -ntp package -DskipTests -Djapicmp.skip=true -Ddistproc.image.skip=true \
  -pl "$(IFS=,; echo "${modules[*]}")" -am "$@"

version=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml)
for m in "${modules[@]}"; do
  # The module's own artifactId: the first one after its <parent> block.
  artifact=$(sed '/<parent>/,/<\/parent>/d' "$m/pom.xml" | sed -n 's:^  <artifactId>\(.*\)</artifactId>.*:\1:p' | head -1)
  mkdir -p "$m/src/api-baseline"
  cp "$m/target/$artifact-$version.jar" "$m/src/api-baseline/$artifact.jar"
  # Without the copy of the pom the jar carries, a baseline changes only when the classes do.
  zip -q -d "$m/src/api-baseline/$artifact.jar" 'META-INF/maven/*' >/dev/null
  echo "api-baseline: $m/src/api-baseline/$artifact.jar"
done
