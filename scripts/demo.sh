#!/usr/bin/env bash
# Sets up Grappe on SQLite with a realistic demo cluster and starts it on http://127.0.0.1:8000/
#   scripts/demo.sh --with-partner   (or `make demo PARTNER=1`) also starts a small logistics cluster's Grappe
#   beside it (its own SQLite file var/logistics.sqlite3, http://localhost:8001/), in partnership with the first:
#   each side's members see the other's shared items.
set -euo pipefail
cd "$(dirname "$0")/.."
with_partner=0
for arg in "$@"; do
  case "$arg" in
    --with-partner) with_partner=1 ;;
    *) echo "usage: scripts/demo.sh [--with-partner]" >&2; exit 2 ;;
  esac
done
scripts/bootstrap.sh
# The demo runs tasks at once (no worker to start) and lets the demo staff account in without a second factor.
export GRAPPE_TASK_BACKEND=django_tasks.backends.immediate.ImmediateBackend
export GRAPPE_STAFF_MFA_REQUIRED=0
address="${GRAPPE_DEMO_ADDRESS:-127.0.0.1:8000}"
if [ "$with_partner" = 1 ]; then
  # Each instance is known by its own address and name (the partner reads them in its actor document).
  export GRAPPE_BASE_URL="http://$address"
  export GRAPPE_CLUSTER_NAME="${GRAPPE_CLUSTER_NAME:-Grappe aérospatiale}"
fi
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_taxonomy
.venv/bin/python manage.py generate_demo
[ "$with_partner" = 1 ] || exec .venv/bin/python manage.py runserver "$address"

# The logistics cluster: another host name than the first (localhost, not 127.0.0.1) so that the browser keeps
# one session for each.
partner_url="http://localhost:${GRAPPE_DEMO_PARTNER_PORT:-8001}"
logistics() {
  DATABASE_URL="sqlite:///$PWD/var/logistics.sqlite3" GRAPPE_BASE_URL="$partner_url" \
    GRAPPE_CLUSTER_NAME="Grappe logistique" .venv/bin/python manage.py "$@"
}
echo "==> The logistics cluster (var/logistics.sqlite3, $partner_url)"
logistics migrate -v0
logistics load_taxonomy
logistics generate_demo --organisations 40 --people 160 --seed 7 | tail -n 1
# Two instances speak to each other: a request to one must not wait, inside it, for a request to the other (on
# SQLite, each holds its database while it sends), so their tasks (deliveries) go to a worker beside each server.
export GRAPPE_TASK_BACKEND=django_tasks_db.DatabaseBackend
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
logistics runserver --noreload "localhost:${GRAPPE_DEMO_PARTNER_PORT:-8001}" & pids+=($!)
.venv/bin/python manage.py runserver --noreload "$address" & pids+=($!)
logistics db_worker --no-reload --interval 1 -v0 & pids+=($!)
.venv/bin/python manage.py db_worker --no-reload --interval 1 -v0 & pids+=($!)
for url in "http://$address" "$partner_url"; do
  .venv/bin/python - "$url/federation/actor" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=2)
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(f"{sys.argv[1]} does not answer")
PY
done
# Both staffs approve the other (the first side's approval waits for the second's).
.venv/bin/python manage.py demo_partnership --peer "$partner_url"
logistics demo_partnership --peer "http://$address" --wait 30
.venv/bin/python manage.py demo_partnership --peer "$partner_url" --wait 30
echo "==> Grappe aérospatiale on http://$address/ and Grappe logistique on $partner_url/, partners"
echo "    (the same demo sign-ins on both; a member sees the other cluster's items under Partner clusters)."
wait "${pids[1]}"
