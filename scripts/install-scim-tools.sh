#!/usr/bin/env bash
# Installs the public SCIM 2.0 conformance suite (scim2-tester, driven by the `scim2` command
# of scim2-cli) and the reference server scim2-server (the SCIM benchmark's yardstick) from
# PyPI into a virtualenv of their own: TOOLS_DIR/scim.
# Usage: scripts/install-scim-tools.sh TOOLS_DIR
set -euo pipefail
mkdir -p "$1"
venv=$(realpath "$1")/scim
if [ ! -x "$venv/bin/scim2" ] || [ ! -x "$venv/bin/scim2-server" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    'scim2-cli==0.6.0' 'scim2-tester==0.5.2' 'scim2-client==0.13.2' \
    'scim2-models==0.12.3' 'scim2-server==0.8.3'
fi
"$venv/bin/scim2" --help >/dev/null
