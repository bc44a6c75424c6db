"""A Python shell inside the second instance of the two-instance tests (instances.py), for tests only.

Started once per test session with the second instance's environment (its database, its address), it loads
Django once, then runs each snippet the tests send: one JSON line on stdin, {"code": …, "values": {…}}, run with
`values` as its variables; it answers one line, MARKER + JSON, {"result": the snippet's `result` variable} or
{"error": the traceback}. Anything else the snippet prints (the console mail backend) goes to stderr.

`Shell` is the tests' side: the federation's second instance (instances.py) and the production test
(grappe/operations/tests/test_production.py) each drive one.
"""

import json
import subprocess
import sys
import traceback
from pathlib import Path

MARKER = "\x1eresult "
ROOT = Path(__file__).resolve().parents[3]


class Shell:
    """A shell process with the environment `env`, started on first use; its stderr goes to `log`."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process = env, log, None

    def run(self, code: str, **values):
        """Run `code` with `values` as variables; return what it set as `result` (its traceback is raised)."""
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "grappe.federation.tests.instance_shell"], cwd=ROOT, env=self.env,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.log, "ab"), text=True)  # noqa: SIM115
        self.process.stdin.write(json.dumps({"code": code, "values": values}) + "\n")
        self.process.stdin.flush()
        for line in self.process.stdout:
            if line.startswith(MARKER):
                answer = json.loads(line[len(MARKER):])
                if "error" in answer:
                    raise AssertionError(f"inside Grappe:\n{answer['error']}")
                return answer["result"]
        raise AssertionError(f"the shell stopped; see {self.log}")

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=30)
            self.process = None


def main() -> None:
    import django

    answers, sys.stdout = sys.stdout, sys.stderr
    django.setup()
    from django.db import connections

    for line in sys.stdin:
        request = json.loads(line)
        namespace = dict(request.get("values") or {})
        try:
            exec(request["code"], namespace)  # noqa: S102 — the tests' own code, in a test-only process
            answer = {"result": namespace.get("result")}
        except BaseException:  # noqa: BLE001 — told back to the test, which raises it
            answer = {"error": traceback.format_exc()}
        finally:
            connections.close_all()
        answers.write(MARKER + json.dumps(answer, default=str) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
