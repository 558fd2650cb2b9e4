# Sourced by start.sh and import.sh (needs HERE, die, now, elapsed): builds the launcher and
# copies the Neo4j jars once (cached in tools/neo4j/target); sets TARGET and LIB_DIR.
# Jars go to target/lib-<pom hash>: a changed pom gets a fresh directory, and servers already
# running from the old one are left alone.
TARGET="$HERE/target"
POM_HASH="$(sha1sum "$HERE/pom.xml" | cut -c1-12)"
LIB_DIR="$TARGET/lib-$POM_HASH"
STAMP="$TARGET/.build-complete-$POM_HASH"
needs_build() {
    [[ -f "$STAMP" && -d "$LIB_DIR" ]] || return 0
    [[ -n "$(find "$HERE/pom.xml" "$HERE/src" -newer "$STAMP" -print -quit)" ]]
}
mkdir -p "$TARGET"
exec 8>"$TARGET/.build.lock"
flock -w 900 8 || die "timed out waiting for another build ($TARGET/.build.lock)"
if needs_build; then
    command -v mvn >/dev/null 2>&1 || die "mvn not found (Maven 3.8+ needed to fetch the Neo4j jars)"
    echo "Building Neo4j launcher (first time Maven downloads ~170 MB of jars and plugins) ..."
    B0="$(now)"
    if ! mvn -f "$HERE/pom.xml" -q -B -ntp -Dstyle.color=never "-Dlib.dir=$LIB_DIR" package \
            >"$TARGET/build.log" 2>&1; then
        tail -n 40 "$TARGET/build.log" >&2
        die "Maven build failed; full log in $TARGET/build.log"
    fi
    touch "$STAMP"
    echo "Build done in $(elapsed "$B0")s"
fi
flock -u 8

