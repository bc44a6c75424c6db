#!/usr/bin/env bash
# Runs the whole test suite (unit, permission matrix, PostgreSQL concurrency, browser tests).
# Uses DATABASE_URL when set (CI: PostgreSQL), SQLite otherwise. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test
export GRAPPE_TASK_BACKEND=django_tasks.backends.immediate.ImmediateBackend
.venv/bin/python -m pytest -n 2 "$@"
