#!/usr/bin/env bash
# Installs what verisat needs on this machine, skipping whatever is already there.
#   scripts/install-deps.sh          runtime: npm packages, redis-server, FerretDB (unless URLs are set)
#   scripts/install-deps.sh --test   also headless Chromium for page tests
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

FERRETDB_VERSION=v1.24.2
# Our build of it: upstream plus scripts/ferretdb-sqlite-id-index.patch (see that file and the README).
FERRETDB_BUILD=$FERRETDB_VERSION-verisat.1
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

# MongoDB-wire server, unless MONGODB_URI is set or mongod is installed
gobin="$(command -v go >/dev/null && go env GOPATH || echo "$HOME/go")/bin"
ours_built() { [[ -x "$gobin/ferretdb" ]] && "$gobin/ferretdb" --version 2>/dev/null | grep -qF "$FERRETDB_BUILD"; }
if [[ -z "${MONGODB_URI:-}" ]] && ! command -v mongod >/dev/null && ! ours_built; then
  command -v go >/dev/null || die "Neither mongod nor FerretDB found, and Go is not installed to build FerretDB. Install Go (https://go.dev/dl/) or MongoDB, or set MONGODB_URI."
  say "building FerretDB $FERRETDB_BUILD with Go (about a minute, once)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && go mod init ferretdb-build >/dev/null 2>&1 && GOFLAGS=-mod=mod go get "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" >/dev/null 2>&1) \
    || die "could not download FerretDB $FERRETDB_VERSION from the Go module proxy"
  src="$(go env GOMODCACHE)/github.com/!ferret!d!b/!ferret!d!b@$FERRETDB_VERSION"
  cp -r "$src" "$tmp/src" && chmod -R u+w "$tmp/src"
  # The module download lacks build/version/version.txt, which FerretDB's own release build writes;
  # without it the binary refuses to start. The suffix tells our build from a plain one.
  echo "$FERRETDB_BUILD" > "$tmp/src/build/version/version.txt"
  (cd "$tmp/src" && git apply "$repo/scripts/ferretdb-sqlite-id-index.patch") || die "patching FerretDB failed"
  mkdir -p "$gobin"
  (cd "$tmp/src" && go build -trimpath -o "$gobin/ferretdb" ./cmd/ferretdb) || die "building FerretDB failed"
  say "built $("$gobin/ferretdb" --version | sed -n 1p)"
fi

if [[ $want_test == true ]] && [[ ! -x /usr/bin/chromium ]]; then
  apt_install chromium || say "Chromium could not be installed (apt-get install chromium): page tests will fail"
fi
say "dependencies ready"
