#!/usr/bin/env bash
# Installs what verisat needs on this machine, skipping whatever is already there.
#   scripts/install-deps.sh          runtime: npm packages, redis-server, mongo-java-server (Java, Maven)
#                                    unless REDIS_URL / MONGODB_URI are set or mongod is installed
#   scripts/install-deps.sh --test   also headless Chromium for page tests
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true
say() { printf '\033[1m[verisat]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[verisat]\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

apt_updated=false
apt_install() {
  command -v apt-get >/dev/null || return 1
  if [[ $apt_updated == false ]]; then
    say "apt-get update"
    as_root apt-get update -qq || return 1
    apt_updated=true
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || return 1
}

# Node.js
command -v node >/dev/null || die "Node.js 20.19 or newer is required: https://nodejs.org/ (or: apt-get install nodejs npm)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node --version) is too old: verisat needs 20.19 or newer"

# npm packages, exactly as locked
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci (installing locked npm packages)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Redis (for BullMQ), unless REDIS_URL points at one
if [[ -z "${REDIS_URL:-}" ]] && ! command -v redis-server >/dev/null; then
  apt_install redis-server || die "redis-server is missing. Install Redis 6.2+ (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL."
  # Debian's package may start a system Redis on 6379; verisat starts its own on a free port.
fi

# MongoDB-wire server, unless MONGODB_URI is set or mongod is installed: mongo-java-server with our
# launcher (scripts/mongo-java-server/), jars from Maven Central into .deps/ (git-ignored).
mjs_dir=.deps/mongo-java-server
mjs_src=scripts/mongo-java-server
java_ok() {
  command -v java >/dev/null && command -v javac >/dev/null || return 1
  # mongo-java-server 1.47 is built for Java 17 (class version 61).
  local major
  major=$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')
  [[ -n $major && $major -ge 17 ]]
}
if [[ -z "${MONGODB_URI:-}" ]] && ! command -v mongod >/dev/null; then
  if ! java_ok || ! command -v mvn >/dev/null; then
    apt_install default-jdk-headless maven \
      || die "mongo-java-server needs Java 17+ (java and javac) and Maven: apt-get install default-jdk-headless maven (or install mongod, or set MONGODB_URI)."
    java_ok || die "javac $(javac -version 2>&1) is too old: mongo-java-server needs Java 17 or newer"
  fi
  # The jars follow the pom: a changed pom replaces the whole folder, so no stale jar stays on the
  # class path. The copy of the pom kept next to the jars says which pom they came from.
  if ! cmp -s "$mjs_src/pom.xml" "$mjs_dir/lib/.pom.xml" 2>/dev/null; then
    say "fetching mongo-java-server jars with Maven (about 6 MB, once)"
    rm -rf "$mjs_dir/lib" "$mjs_dir/lib.tmp" "$mjs_dir/classes"
    mkdir -p "$mjs_dir"
    mvn_log="$mjs_dir/mvn.log"
    mvn -q -B -f "$mjs_src/pom.xml" dependency:copy-dependencies -DoutputDirectory="$repo/$mjs_dir/lib.tmp" >"$mvn_log" 2>&1 \
      || { cat "$mvn_log" >&2; die "Maven could not fetch mongo-java-server from Maven Central (log above)"; }
    rm -f "$mvn_log"
    cp "$mjs_src/pom.xml" "$mjs_dir/lib.tmp/.pom.xml"
    mv "$mjs_dir/lib.tmp" "$mjs_dir/lib"
  fi
  mjs_class="$mjs_dir/classes/VerisatMongoServer.class"
  stale_sources=$(find "$mjs_src" -name '*.java' -newer "$mjs_class" 2>/dev/null || true)
  if [[ ! -f $mjs_class ]] || [[ -n $stale_sources ]]; then
    say "compiling the mongo-java-server launcher"
    rm -rf "$mjs_dir/classes"
    mkdir -p "$mjs_dir/classes"
    javac -nowarn -d "$mjs_dir/classes" -cp "$mjs_dir/lib/*" "$mjs_src"/*.java \
      || die "compiling the launcher in $mjs_src failed"
  fi
fi

if [[ $want_test == true ]] && [[ ! -x /usr/bin/chromium ]]; then
  apt_install chromium || say "Chromium could not be installed (apt-get install chromium): page tests will fail"
fi
# The report tests read the PDFs Chromium prints back with poppler's pdftotext (issue 28).
if [[ $want_test == true ]] && ! command -v pdftotext >/dev/null; then
  apt_install poppler-utils || say "poppler-utils could not be installed (apt-get install poppler-utils): the PDF report tests will fail"
fi
say "dependencies ready"
