#!/usr/bin/env bash
# The benchmarks (`make bench`), on PostgreSQL: the figures of docs/benchmarks.md.
#   DATABASE_URL  the benchmark database (default postgres://postgres@127.0.0.1:5432/grappe_bench); it is
#                 created if missing and keeps its 5,000-organisation cluster between runs.
#   bench/run.sh --rebuild   drops that database and generates the cluster again.
# Each benchmark prints "FIGURE | what | measured | target | met/MISSED | details"; the summary repeats them.
set -uo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/grappe_bench}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "The benchmarks measure PostgreSQL: set DATABASE_URL to a PostgreSQL database." >&2; exit 2 ;;
esac
[ -x .venv/bin/python ] || scripts/bootstrap.sh || exit 2
.venv/bin/python -c "import gunicorn" 2>/dev/null || { echo "gunicorn is missing: run scripts/bootstrap.sh" >&2; exit 2; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
run() {
  echo "==> $*"
  .venv/bin/python "$@" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" = 0 ] || status=1
}
run bench/prepare.py "$@"
run bench/directory.py
run bench/login.py
run bench/import.py
run bench/partnering_bench.py
run bench/partnering_page.py
run bench/events_bench.py
run bench/program_assignment.py
run bench/program_commitments.py
run bench/program_report.py
run bench/program_pages.py
run bench/governance_minutes.py
run bench/listening_bench.py
run bench/governance_votes.py
run bench/bulletin_recipients.py
run bench/bulletin_digests.py
run bench/federation.py
run bench/backup.py

echo
echo "==> Figures ($(nproc) cores; $(uptime | sed 's/.*load/load/'))"
grep -E "^(FIGURE|FAILED) " "$log" | awk -F' [|] ' '{printf "%-82s %-10s %-10s %s\n", $2, $3, $4, $5}'
exit $status
