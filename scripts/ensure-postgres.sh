#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use answers; starts the local cluster if it is stopped.
# Fails (exit 1) when it cannot be reached: the suite must run on PostgreSQL too.
set -euo pipefail
url=${ROSTER_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
reachable() { psql "$url" -qAtc 'select 1' >/dev/null 2>&1; }
if reachable; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "PostgreSQL is not answering; starting the local cluster." >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 1 30); do reachable && exit 0; sleep 1; done
fi
echo "PostgreSQL is not reachable at $url (set ROSTER_TEST_DATABASE_URL)." >&2
exit 1
