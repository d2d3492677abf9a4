#!/usr/bin/env bash
# Second command of the README: the whole test suite (lint and security checks included).
# Locally it uses SQLite and skips what needs a missing service; with
# CI=true it runs on PostgreSQL and Redis and a missing service fails.
# Extra arguments go to pytest (e.g. scripts/test.sh -k seed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests

if [ "${CI:-}" = "true" ]; then
  export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/conferences}"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
fi

.venv/bin/ruff check .
scripts/security.sh   # ruff's security rules and pip-audit (says NOT AUDITED when it cannot reach the service)
.venv/bin/python -m pytest "$@"
