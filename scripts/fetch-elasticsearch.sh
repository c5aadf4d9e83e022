#!/usr/bin/env bash
# Makes sure the Elasticsearch integration-test distribution is unpacked in DEST_DIR.
#
# Usage: scripts/fetch-elasticsearch.sh [DEST_DIR]     (default: ${ZP_CACHE_DIR:-<repo>/.cache})
# Result: DEST_DIR/elasticsearch-<version>/bin/elasticsearch   (version: ${ZP_ES_VERSION:-8.19.21})
#
# The zip is the real server as published on Maven Central (artifact
# org.elasticsearch.distribution.integ-test-zip:elasticsearch). Maven resolves it through the
# local repository (~/.m2), so after the first download it is only copied. The distribution
# bundles no JDK: scripts/services.sh points ES_JAVA_HOME at the machine's Java 17.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ES_VERSION=${ZP_ES_VERSION:-8.19.21}
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
DEST_DIR=${1:-${ZP_CACHE_DIR:-$REPO_DIR/.cache}}
HOME_DIR="$DEST_DIR/elasticsearch-$ES_VERSION"

log() { printf '[fetch-elasticsearch] %s\n' "$*"; }
die() {
    printf '[fetch-elasticsearch] ERROR: %s\n' "$*" >&2
    exit 1
}

if [ -x "$HOME_DIR/bin/elasticsearch" ]; then
    exit 0
fi

command -v mvn >/dev/null 2>&1 || die "mvn not found; run scripts/install-system.sh (or make system)"
command -v unzip >/dev/null 2>&1 || die "unzip not found; run scripts/install-system.sh (or make system)"

mkdir -p "$DEST_DIR"
work=$(mktemp -d "$DEST_DIR/.fetch-es.XXXXXX")
trap 'rm -rf "$work"' EXIT

log "resolving $ARTIFACT with Maven"
# Run from an empty directory so that no pom.xml is picked up; -B: plain batch-mode output.
if ! (cd "$work" && mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="$ARTIFACT" \
    -DoutputDirectory="$work/zip" -Dmdep.overWriteReleases=true </dev/null >"$work/mvn.log" 2>&1); then
    cat "$work/mvn.log" >&2
    die "Maven could not resolve $ARTIFACT (is Maven Central reachable? see the output above)"
fi
zip="$work/zip/elasticsearch-$ES_VERSION.zip"
[ -s "$zip" ] || die "Maven finished but $zip is missing"

log "unpacking into $HOME_DIR"
unzip -q "$zip" -d "$work/unpacked"
[ -x "$work/unpacked/elasticsearch-$ES_VERSION/bin/elasticsearch" ] ||
    die "unexpected zip layout: no elasticsearch-$ES_VERSION/bin/elasticsearch inside"
rm -rf "$HOME_DIR"
mv "$work/unpacked/elasticsearch-$ES_VERSION" "$HOME_DIR"
log "Elasticsearch $ES_VERSION is in $HOME_DIR"
