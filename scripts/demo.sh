#!/usr/bin/env bash
# Sets up Grappe on SQLite with a realistic demo cluster and starts it on http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# The demo runs tasks at once (no worker to start) and lets the demo staff account in without a second factor.
export GRAPPE_TASK_BACKEND=django_tasks.backends.immediate.ImmediateBackend
export GRAPPE_STAFF_MFA_REQUIRED=0
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_taxonomy
.venv/bin/python manage.py generate_demo
exec .venv/bin/python manage.py runserver "${GRAPPE_DEMO_ADDRESS:-127.0.0.1:8000}"
