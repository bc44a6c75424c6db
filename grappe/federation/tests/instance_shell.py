"""A Python shell inside the second instance of the two-instance tests (instances.py), for tests only.

Started once per test session with the second instance's environment (its database, its address), it loads
Django once, then runs each snippet the tests send: one JSON line on stdin, {"code": …, "values": {…}}, run with
`values` as its variables; it answers one line, MARKER + JSON, {"result": the snippet's `result` variable} or
{"error": the traceback}. Anything else the snippet prints (the console mail backend) goes to stderr.
"""

import json
import sys
import traceback

MARKER = "\x1eresult "


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
