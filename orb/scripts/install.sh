#!/usr/bin/env bash
# Installs the coffer binary from a release; `COFFER_AS_VAULT=true` links it as vault too.
set -euo pipefail
version=${COFFER_VERSION:-latest}
dir=${COFFER_INSTALL_DIR:-/usr/local/bin}
url="https://github.com/coffer/coffer/releases/${version/#latest/latest/download}"
[ "$version" = latest ] || url="https://github.com/coffer/coffer/releases/download/$version"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL "$url/coffer-linux-$(uname -m)" -o "$tmp/coffer"
curl -fsSL "$url/coffer-linux-$(uname -m).sha256" -o "$tmp/coffer.sha256"
(cd "$tmp" && echo "$(cut -d' ' -f1 coffer.sha256)  coffer" | sha256sum -c -)
sudo=""; [ -w "$dir" ] || sudo=sudo
$sudo install -m 0755 "$tmp/coffer" "$dir/coffer"
if [ "${COFFER_AS_VAULT:-false}" = true ] || [ "${COFFER_AS_VAULT:-0}" = 1 ]; then $sudo ln -sf "$dir/coffer" "$dir/vault"; fi
coffer version
