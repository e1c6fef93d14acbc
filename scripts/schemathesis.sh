#!/usr/bin/env bash
# Runs schemathesis against a fresh `roster serve` (SQLite, loopback, port 0) with valid
# credentials for every dialect (tests/schemathesis/hooks.py): no server error, and every
# response within its documented status codes, content types and schema.
# Usage: scripts/schemathesis.sh ROSTER_BIN TOOLS_DIR [extra schemathesis args]
set -euo pipefail
mkdir -p "$2"
bin=$(realpath "$1") tools=$(realpath "$2")
shift 2
st=$tools/schemathesis
if [ ! -x "$st/bin/schemathesis" ]; then
  python3 -m venv "$st"
  "$st/bin/pip" install --quiet --disable-pip-version-check 'schemathesis==4.32.5' 'cryptography==50.0.2'
fi
work=$(mktemp -d)
cleanup() {
  [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export ROSTER_DATA_DIR=$work/data ROSTER_DATABASE_URL="sqlite://$work/roster.db?mode=rwc"
ssh-keygen -q -t ed25519 -N '' -C schemathesis -f "$work/owner"
"$bin" tenant create acme --admin-email owner@acme.test --ssh-key "$work/owner.pub" --json >"$work/tenant.json"
# SureCloud: the owner's secret key, exchanged by hooks.py for a bearer token.
ROSTER_ST_SURECLOUD_KEY=$("$bin" user secret-key issue --tenant acme --email owner@acme.test)
export ROSTER_ST_SURECLOUD_KEY ROSTER_ST_SURECLOUD_EMAIL=owner@acme.test
# SCIM: a provisioning token of the tenant.
ROSTER_ST_SCIM_TOKEN=$("$bin" scim-token issue --tenant acme --name schemathesis)
export ROSTER_ST_SCIM_TOKEN

ROSTER_GRPC_ADDR=127.0.0.1:0 ROSTER_HTTP_ADDR=127.0.0.1:0 ROSTER_METRICS_ADDR=127.0.0.1:0 ROSTER_LOG_FORMAT=json RUST_LOG=warn,roster=info \
  "$bin" serve 2>"$work/serve.log" &
pid=$!
http=
for _ in $(seq 1 120); do
  http=$(python3 -c 'import json,sys
for l in open(sys.argv[1]):
    try: v = json.loads(l)
    except ValueError: continue
    if v.get("message") == "Gateway listening.": print(v["addr"]); break' "$work/serve.log")
  [ -n "$http" ] && break
  sleep 0.5
done
[ -n "$http" ] || { cat "$work/serve.log" >&2; echo "roster serve did not start" >&2; exit 1; }

export ROSTER_ST_ACCOUNT=acme ROSTER_ST_SSH_KEY=$work/owner
export ROSTER_ST_TENANT_JSON=$work/tenant.json ROSTER_ST_BASE_URL="http://$http"
cd "$(dirname "$0")/../tests/schemathesis"
"$st/bin/python" -c 'import sys, hooks; hooks.seed(sys.argv[1])' "http://$http"
# filter_too_much: path parameters are drawn half from known resources (see hooks.py).
SCHEMATHESIS_HOOKS=hooks "$st/bin/schemathesis" run "http://$http/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --suppress-health-check=filter_too_much \
  --max-examples "${ROSTER_ST_EXAMPLES:-25}" --seed "${ROSTER_ST_SEED:-1}" \
  --no-color "$@"
