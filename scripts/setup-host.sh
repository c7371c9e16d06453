#!/usr/bin/env bash
# Sets up everything the real-VS-Code tests need, from the npm registry and Debian only:
# Debian's chromium (driven by playwright-core), and code-server 4.100.3 (VS Code 1.100.3)
# in .vscode-test/, with its native modules built here because its install scripts would
# download binaries. Idempotent: a finished host is marked and reused at once.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
version="4.100.3"
host="$root/.vscode-test/code-server-$version"
marker="$host/.ready"

need_pkgs=()
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
command -v rg >/dev/null 2>&1 || need_pkgs+=(ripgrep)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/krb5/krb5.h ] || need_pkgs+=(libkrb5-dev)
# A CJK font, so that screenshots of the Chinese hovers and messages show text, not boxes.
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need_pkgs+=(fonts-noto-cjk)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-host: installing Debian packages: ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "setup-host: missing Debian packages: ${need_pkgs[*]}." >&2
    echo "setup-host: install them (sudo apt-get install ${need_pkgs[*]}) and run again." >&2
    exit 1
  fi
fi

if [ -f "$marker" ]; then
  exit 0
fi

echo "setup-host: installing code-server $version into $host (once)"
rm -rf "$host"
mkdir -p "$host"
cd "$host"
export npm_config_unsafe_perm=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
echo '{"name":"code-server-host","private":true}' > package.json
npm install --ignore-scripts --no-save --loglevel=error "code-server@$version" >/dev/null

vs="$host/node_modules/code-server/lib/vscode"
cd "$vs"
npm install --omit=dev --ignore-scripts --loglevel=error >/dev/null
npm rebuild --loglevel=error @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid kerberos >/dev/null
gyp_version="$(node -e 'try{console.log(require("node-gyp/package.json").version)}catch{console.log("10.2.0")}' 2>/dev/null)"
(cd node_modules/node-pty && npx --yes "node-gyp@$gyp_version" rebuild >/dev/null 2>&1)
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
[ -e node_modules.asar ] || ln -s node_modules node_modules.asar

# argon2 (password hashing, loaded even with --auth none) has no prebuilt binary offline: build it.
cd "$host"
npm rebuild --loglevel=error argon2 >/dev/null
for built in node_modules/argon2/lib/binding/napi-v3/argon2.node "$vs/node_modules/node-pty/build/Release/pty.node"; do
  [ -e "$built" ] || { echo "setup-host: building $built failed" >&2; exit 1; }
done

touch "$marker"
echo "setup-host: code-server ready"
